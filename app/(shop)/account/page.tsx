import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { Suspense } from "react";

import { AddressBook } from "~/app/(shop)/account/_components/address-book.tsx";
import { PasswordSection } from "~/app/(shop)/account/_components/password-section.tsx";
import { ProfileSection } from "~/app/(shop)/account/_components/profile-section.tsx";
import { RestockAlertsSection } from "~/app/(shop)/account/_components/restock-alerts-section.tsx";
import { SessionSection } from "~/app/(shop)/account/_components/session-section.tsx";
import { loginHref } from "~/app/(shop)/_lib/login-href.ts";
import { accountKo } from "~/app/_i18n/account.ts";
import { createRscContext, HydrateClient, prefetch, trpc } from "~/app/_trpc/server.tsx";

export const metadata: Metadata = { title: accountKo.myPage.title };

const loading = <p aria-busy="true" className="text-zinc-500">…</p>;

/** My page. The proxy already sent anonymous visitors to the login page; this check is the page's own. */
export default async function AccountPage() {
  const { session } = await createRscContext();
  if (!session) redirect(loginHref("/account"));
  prefetch(trpc.account.me.queryOptions());
  prefetch(trpc.account.address.list.queryOptions());
  prefetch(trpc.restock.list.queryOptions());

  return (
    <div className="mx-auto max-w-3xl">
      <div className="mb-8 flex flex-wrap items-end justify-between gap-4">
        <h1 className="text-3xl font-bold tracking-tight text-zinc-900">{accountKo.myPage.heading}</h1>
        <Link href="/account/orders" className="text-sm font-medium text-brand-700 underline-offset-2 hover:underline">
          {accountKo.myPage.ordersLink}
        </Link>
      </div>
      <HydrateClient>
        <div className="space-y-8">
          <Suspense fallback={loading}>
            <ProfileSection />
          </Suspense>
          <Suspense fallback={loading}>
            <AddressBook />
          </Suspense>
          <RestockAlertsSection />
          <PasswordSection />
          <SessionSection />
        </div>
      </HydrateClient>
    </div>
  );
}
