"use client";

import "~/app/globals.css";

import { GeistSans } from "geist/font/sans";

import { ko } from "~/app/_i18n/ko.ts";

/**
 * Replaces the root layout when the layout itself fails, so it brings its own document. As in error.tsx, the
 * error is never shown to the shopper.
 */
export default function GlobalError({ retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="ko" className={GeistSans.variable}>
      <body className="font-sans">
        <title>{`${ko.errors.title} | ${ko.site.name}`}</title>
        <main role="alert" className="mx-auto flex min-h-dvh max-w-lg flex-col items-center justify-center px-4 text-center">
          <p className="text-xl font-bold text-zinc-900">{ko.site.name}</p>
          <h1 className="mt-6 text-2xl font-bold tracking-tight text-zinc-900">{ko.errors.heading}</h1>
          <p className="mt-3 text-zinc-600">{ko.errors.body}</p>
          <div className="mt-8 flex gap-3">
            <button
              type="button"
              onClick={() => retry()}
              className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700"
            >
              {ko.errors.retry}
            </button>
            {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- the router may be what failed: leave with a full page load */}
            <a href="/" className="rounded-md border border-zinc-300 px-4 py-2 text-sm font-medium text-zinc-700 hover:bg-zinc-100">
              {ko.errors.home}
            </a>
          </div>
        </main>
      </body>
    </html>
  );
}
