import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { ko } from "~/app/_i18n/ko.ts";
import { formatSeoulDateTime } from "~/app/_lib/format.ts";
import { appDeps } from "~/server/app.ts";
import { isDevMailboxEnabled } from "~/server/dev-mailbox.ts";
import { getMailboxMessage, getMailboxMessageInput } from "~/server/domain/email/get-mailbox-message.ts";
import { isDomainError } from "~/server/domain/errors.ts";

export const metadata: Metadata = { title: ko.mailbox.title, robots: { index: false, follow: false } };

type MailboxMessagePageProps = { params: Promise<{ id: string }> };

export default async function MailboxMessagePage({ params }: MailboxMessagePageProps) {
  if (!isDevMailboxEnabled()) notFound();

  const rawId = (await params).id;
  const parsed = getMailboxMessageInput.safeParse({ id: /^[1-9]\d{0,9}$/.test(rawId) ? Number(rawId) : NaN });
  if (!parsed.success) notFound();

  const message = await getMailboxMessage(appDeps(), parsed.data).catch((error: unknown) => {
    if (isDomainError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  });

  return (
    <>
      <Link href="/dev/mailbox" className="text-sm font-medium text-zinc-600 hover:text-zinc-900">
        {ko.mailbox.backToList}
      </Link>

      <article className="mt-4 space-y-6">
        <header className="rounded-xl border border-zinc-200 bg-white p-5">
          <h1 className="text-xl font-bold tracking-tight text-zinc-900">{message.subject}</h1>
          <dl className="mt-3 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-zinc-500">{ko.mailbox.columns.to}</dt>
            <dd className="font-mono text-xs leading-5 text-zinc-800">{message.toAddress}</dd>
            <dt className="text-zinc-500">{ko.mailbox.columns.template}</dt>
            <dd className="font-mono text-xs leading-5 text-zinc-800">{message.template}</dd>
            <dt className="text-zinc-500">{ko.mailbox.columns.createdAt}</dt>
            <dd className="text-zinc-800">
              <time dateTime={message.createdAt.toISOString()}>{formatSeoulDateTime(message.createdAt)}</time>
            </dd>
            <dt className="text-zinc-500">{ko.mailbox.columns.sentAt}</dt>
            <dd className="text-zinc-800">
              {message.sentAt ? `${ko.mailbox.sent} · ${formatSeoulDateTime(message.sentAt)}` : ko.mailbox.pending}
            </dd>
          </dl>
        </header>

        <section aria-labelledby="mail-html-heading">
          <h2 id="mail-html-heading" className="mb-2 text-sm font-semibold text-zinc-700">
            {ko.mailbox.html}
          </h2>
          {/* sandbox="" : no scripts, no same-origin access, no navigation of this page by the email's content. */}
          <iframe
            title={ko.mailbox.htmlFrameTitle}
            sandbox=""
            srcDoc={message.html}
            className="h-[32rem] w-full rounded-xl border border-zinc-200 bg-white"
          />
        </section>

        <section aria-labelledby="mail-text-heading">
          <h2 id="mail-text-heading" className="mb-2 text-sm font-semibold text-zinc-700">
            {ko.mailbox.text}
          </h2>
          <pre
            data-testid="mail-text"
            className="overflow-x-auto whitespace-pre-wrap rounded-xl border border-zinc-200 bg-white p-5 font-mono text-sm text-zinc-800"
          >
            {message.text}
          </pre>
        </section>
      </article>
    </>
  );
}
