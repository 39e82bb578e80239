import type { Metadata } from "next";
import Link from "next/link";

import { VerifyForm } from "~/app/(auth)/verify/verify-form.tsx";
import { FormMessage } from "~/app/_components/form.tsx";
import { accountKo } from "~/app/_i18n/account.ts";
import { appDeps } from "~/server/app.ts";
import { verifyEmailLink, verifyEmailLinkInput } from "~/server/domain/accounts/verify-email.ts";
import { isDomainError } from "~/server/domain/errors.ts";

export const metadata: Metadata = { title: accountKo.verify.title };

const t = accountKo.verify;

type VerifyPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function first(value: string | string[] | undefined) {
  return Array.isArray(value) ? value[0] : value;
}

/** The one-click link from the email: verifies on arrival and says what happened. */
async function verifyFromLink(token: string): Promise<{ ok: true; wasAlreadyVerified: boolean } | { ok: false; message: string }> {
  const parsed = verifyEmailLinkInput.safeParse({ token });
  if (!parsed.success) return { ok: false, message: "인증 링크가 올바르지 않습니다. 새 인증번호를 받아 주세요." };
  try {
    const result = await verifyEmailLink(appDeps(), parsed.data);
    return { ok: true, wasAlreadyVerified: result.wasAlreadyVerified };
  } catch (error) {
    if (isDomainError(error)) return { ok: false, message: error.message };
    throw error;
  }
}

export default async function VerifyPage({ searchParams }: VerifyPageProps) {
  const query = await searchParams;
  const token = first(query.token);
  const linkResult = token ? await verifyFromLink(token) : null;

  return (
    <div className="mx-auto max-w-md py-6">
      <section className="rounded-2xl border border-zinc-200 bg-white p-8 shadow-sm">
        {linkResult?.ok ? (
          <>
            <h1 className="text-2xl font-bold tracking-tight text-zinc-900">{t.linkSuccessHeading}</h1>
            <div className="mt-6">
              <FormMessage tone="success" testId="verify-success">
                {linkResult.wasAlreadyVerified ? t.linkAlready : t.linkSuccess}
              </FormMessage>
            </div>
            <Link href="/login?verified=1" className="mt-6 inline-flex h-11 items-center rounded-lg bg-brand-600 px-5 font-semibold text-white hover:bg-brand-700">
              {t.toLogin}
            </Link>
          </>
        ) : (
          <>
            <h1 className="text-2xl font-bold tracking-tight text-zinc-900">{linkResult ? t.linkFailedHeading : t.heading}</h1>
            {linkResult ? (
              <div className="mt-6">
                <FormMessage tone="error" testId="verify-link-error">
                  {linkResult.message} {t.retryWithCode}
                </FormMessage>
              </div>
            ) : (
              <p className="mt-2 text-sm text-zinc-600">{t.intro}</p>
            )}
            <div className="mt-8">
              <VerifyForm isMailSent={first(query.sent) !== "0"} showSentNotice={first(query.sent) !== undefined} />
            </div>
          </>
        )}
      </section>
    </div>
  );
}
