import type { Metadata } from "next";

import { UnsubscribeConfirm } from "~/app/(shop)/restock/unsubscribe/unsubscribe-confirm.tsx";
import { restockKo } from "~/app/_i18n/restock.ts";

export const metadata: Metadata = { title: restockKo.unsubscribe.title, robots: { index: false, follow: false } };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Where a restock mail's "알림 해지" link lands. No login: the token in the link is the proof. */
export default async function RestockUnsubscribePage({ searchParams }: Props) {
  const raw = (await searchParams).token;
  const token = typeof raw === "string" ? raw : null;
  return (
    <div className="mx-auto max-w-lg py-10">
      <h1 className="text-2xl font-bold tracking-tight text-zinc-900">{restockKo.unsubscribe.title}</h1>
      <UnsubscribeConfirm token={token} />
    </div>
  );
}
