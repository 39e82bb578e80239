import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { ko } from "~/app/_i18n/ko.ts";
import { formatSeoulDateTime } from "~/app/_lib/format.ts";
import { appDeps } from "~/server/app.ts";
import { isDevMailboxEnabled } from "~/server/dev-mailbox.ts";
import { listMailbox, listMailboxInput } from "~/server/domain/email/list-mailbox.ts";

export const metadata: Metadata = { title: ko.mailbox.title, robots: { index: false, follow: false } };

type MailboxPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const LIST_LIMIT = 100;

export default async function MailboxPage({ searchParams }: MailboxPageProps) {
  if (!isDevMailboxEnabled()) notFound();

  const rawTo = (await searchParams).to;
  const parsed = listMailboxInput.safeParse({ to: Array.isArray(rawTo) ? rawTo[0] : rawTo, limit: LIST_LIMIT });
  // An unusable filter (blank, too long) just shows everything.
  const input = parsed.success ? parsed.data : { limit: LIST_LIMIT };
  const messages = await listMailbox(appDeps(), input);

  return (
    <>
      <header className="mb-6">
        <h1 className="text-2xl font-bold tracking-tight text-zinc-900">{ko.mailbox.heading}</h1>
        <p className="mt-1 text-sm text-zinc-600">{ko.mailbox.intro}</p>
      </header>

      <form method="get" action="/dev/mailbox" role="search" className="mb-6 flex flex-wrap items-end gap-2">
        <div>
          <label htmlFor="mailbox-to" className="block text-sm font-medium text-zinc-700">
            {ko.mailbox.filterLabel}
          </label>
          <input
            id="mailbox-to"
            name="to"
            type="search"
            defaultValue={input.to ?? ""}
            placeholder={ko.mailbox.filterPlaceholder}
            className="mt-1 h-9 w-72 rounded-md border border-zinc-300 bg-white px-3 text-sm"
          />
        </div>
        <button type="submit" className="h-9 rounded-md bg-zinc-900 px-4 text-sm font-medium text-white hover:bg-zinc-700">
          {ko.mailbox.filterSubmit}
        </button>
        {input.to ? (
          <Link href="/dev/mailbox" className="h-9 px-2 text-sm leading-9 text-zinc-600 hover:text-zinc-900">
            {ko.mailbox.filterClear}
          </Link>
        ) : null}
      </form>

      {messages.length === 0 ? (
        <p className="rounded-xl border border-dashed border-zinc-300 bg-white py-12 text-center text-zinc-600">
          {ko.mailbox.empty}
        </p>
      ) : (
        <div className="overflow-x-auto rounded-xl border border-zinc-200 bg-white">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">{ko.mailbox.heading}</caption>
            <thead className="bg-zinc-50 text-xs text-zinc-500">
              <tr>
                <th scope="col" className="px-4 py-3 font-medium">{ko.mailbox.columns.to}</th>
                <th scope="col" className="px-4 py-3 font-medium">{ko.mailbox.columns.subject}</th>
                <th scope="col" className="px-4 py-3 font-medium">{ko.mailbox.columns.template}</th>
                <th scope="col" className="px-4 py-3 font-medium">{ko.mailbox.columns.createdAt}</th>
                <th scope="col" className="px-4 py-3 font-medium">{ko.mailbox.columns.sentAt}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {messages.map((message) => (
                <tr key={message.id} className="hover:bg-zinc-50">
                  <td className="px-4 py-3 font-mono text-xs text-zinc-700">{message.toAddress}</td>
                  <td className="px-4 py-3">
                    <Link href={`/dev/mailbox/${message.id}`} className="font-medium text-zinc-900 hover:text-brand-600 hover:underline">
                      {message.subject}
                    </Link>
                  </td>
                  <td className="px-4 py-3 font-mono text-xs text-zinc-600">{message.template}</td>
                  <td className="whitespace-nowrap px-4 py-3 text-zinc-600">
                    <time dateTime={message.createdAt.toISOString()}>{formatSeoulDateTime(message.createdAt)}</time>
                  </td>
                  <td className="px-4 py-3 text-zinc-600">{message.sentAt ? ko.mailbox.sent : ko.mailbox.pending}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="border-t border-zinc-100 px-4 py-2 text-xs text-zinc-500">
            {ko.mailbox.count(messages.length, LIST_LIMIT)}
          </p>
        </div>
      )}
    </>
  );
}
