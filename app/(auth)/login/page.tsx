import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";

import { safeCallbackUrl } from "~/app/(auth)/_lib/callback-url.ts";
import { loginErrorFor } from "~/app/(auth)/login/login-errors.ts";
import { LoginForm } from "~/app/(auth)/login/login-form.tsx";
import { accountKo } from "~/app/_i18n/account.ts";
import { ko } from "~/app/_i18n/ko.ts";
import { auth } from "~/server/auth.ts";

export const metadata: Metadata = { title: ko.auth.title };

type LoginPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function first(value: string | string[] | undefined) {
  return Array.isArray(value) ? value[0] : value;
}

/** Auth.js's own endpoints redirect here with ?error=…&code=… when a sign-in fails outside our form. */
function errorFromQuery(error: string | undefined, code: string | undefined) {
  if (!error) return { error: null, isUnverified: false };
  if (error === "CredentialsSignin") return loginErrorFor(code);
  return { error: ko.auth.failed, isUnverified: false };
}

/** One-line notices other pages send people here with. */
function noticeFromQuery(query: Record<string, string | string[] | undefined>) {
  if (first(query.verified) === "1") return accountKo.login.verified;
  if (first(query.loggedOut) === "everywhere") return accountKo.login.loggedOutEverywhere;
  return null;
}

export default async function LoginPage({ searchParams }: LoginPageProps) {
  const query = await searchParams;
  const callbackUrl = safeCallbackUrl(first(query.callbackUrl));

  const session = await auth();
  if (session?.user?.id) redirect(callbackUrl);
  const initialError = errorFromQuery(first(query.error), first(query.code));

  return (
    <div className="mx-auto max-w-md py-6">
      <section className="rounded-2xl border border-zinc-200 bg-white p-8 shadow-sm">
        <h1 className="text-2xl font-bold tracking-tight text-zinc-900">{ko.auth.heading}</h1>
        <p className="mt-2 text-sm text-zinc-600">{ko.auth.intro}</p>
        <div className="mt-8">
          <LoginForm
            callbackUrl={callbackUrl}
            initialError={initialError.error}
            initialIsUnverified={initialError.isUnverified}
            notice={noticeFromQuery(query)}
          />
        </div>
        <p className="mt-6 text-center text-sm text-zinc-600">
          {accountKo.login.noAccount}{" "}
          <Link href="/signup" className="font-medium text-brand-700 underline-offset-2 hover:underline">
            {accountKo.login.toSignUp}
          </Link>
        </p>
      </section>

      <aside aria-labelledby="demo-accounts-heading" className="mt-6 rounded-xl bg-zinc-100 p-5 text-sm text-zinc-600">
        <h2 id="demo-accounts-heading" className="font-semibold text-zinc-800">
          {ko.auth.demo.title}
        </h2>
        <p className="mt-1">{ko.auth.demo.description}</p>
        <dl className="mt-3 space-y-2">
          {ko.auth.demo.accounts.map((account) => (
            <div key={account.email} className="flex flex-wrap gap-x-2">
              <dt className="w-14 shrink-0 font-medium text-zinc-700">{account.label}</dt>
              <dd className="font-mono text-xs leading-5">
                {account.email} / {account.password}
              </dd>
            </div>
          ))}
        </dl>
      </aside>
    </div>
  );
}
