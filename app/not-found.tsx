import type { Metadata } from "next";
import Link from "next/link";

import { ko } from "~/app/_i18n/ko.ts";

export const metadata: Metadata = { title: ko.errors.notFoundTitle };

export default function NotFound() {
  return (
    <section className="mx-auto flex max-w-lg flex-col items-center py-20 text-center">
      <p className="text-sm font-semibold text-brand-600">404</p>
      <h1 className="mt-2 text-2xl font-bold tracking-tight text-zinc-900">{ko.errors.notFoundTitle}</h1>
      <p className="mt-3 text-zinc-600">{ko.errors.notFoundBody}</p>
      <Link href="/" className="mt-8 rounded-md bg-zinc-900 px-4 py-2 text-sm font-medium text-white hover:bg-zinc-700">
        {ko.errors.home}
      </Link>
    </section>
  );
}
