import type { Metadata } from "next";
import Link from "next/link";

import { accountKo } from "~/app/_i18n/account.ts";

export const metadata: Metadata = { title: accountKo.forbidden.title };

/** Rendered with status 403 wherever forbidden() is called (admin pages for non-admins). */
export default function Forbidden() {
  return (
    <div className="mx-auto max-w-lg py-16 text-center">
      <p className="text-5xl font-bold text-brand-600">403</p>
      <h1 className="mt-4 text-2xl font-bold tracking-tight text-zinc-900">{accountKo.forbidden.heading}</h1>
      <p className="mt-3 text-zinc-600">{accountKo.forbidden.body}</p>
      <Link href="/" className="mt-8 inline-flex h-11 items-center rounded-lg bg-zinc-900 px-5 font-semibold text-white hover:bg-zinc-700">
        {accountKo.forbidden.home}
      </Link>
    </div>
  );
}
