"use client";

import Link from "next/link";

import { ko } from "~/app/_i18n/ko.ts";

/**
 * Segment error boundary. The error itself is never rendered: in production Next already replaces server errors
 * with a digest, and client errors may carry details a shopper must not see. The server logs have the cause.
 */
export default function ErrorPage({ retry }: { error: unknown; retry: () => void }) {
  return (
    <section role="alert" className="mx-auto flex max-w-lg flex-col items-center py-20 text-center">
      <h1 className="text-2xl font-bold tracking-tight text-zinc-900">{ko.errors.heading}</h1>
      <p className="mt-3 text-zinc-600">{ko.errors.body}</p>
      <div className="mt-8 flex gap-3">
        <button
          type="button"
          onClick={() => retry()}
          className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700"
        >
          {ko.errors.retry}
        </button>
        <Link href="/" className="rounded-md border border-zinc-300 px-4 py-2 text-sm font-medium text-zinc-700 hover:bg-zinc-100">
          {ko.errors.home}
        </Link>
      </div>
    </section>
  );
}
