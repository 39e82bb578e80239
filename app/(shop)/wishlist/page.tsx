import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Suspense } from "react";

import { loginHref } from "~/app/(shop)/_lib/login-href.ts";
import { WishlistView } from "~/app/(shop)/wishlist/wishlist-view.tsx";
import { cartKo } from "~/app/_i18n/cart.ts";
import { createRscContext, HydrateClient, prefetch, trpc } from "~/app/_trpc/server.tsx";

export const metadata: Metadata = { title: cartKo.wishlist.title };

export default async function WishlistPage() {
  // proxy.ts redirects first; this check stays because a matcher mistake must not render someone's wishlist.
  const { session } = await createRscContext();
  if (!session) redirect(loginHref("/wishlist"));
  prefetch(trpc.wishlist.list.queryOptions());

  return (
    <>
      <header className="mb-6">
        <h1 className="text-3xl font-bold tracking-tight text-zinc-900">{cartKo.wishlist.heading}</h1>
        <p className="mt-2 text-zinc-600">{cartKo.wishlist.intro}</p>
      </header>
      <HydrateClient>
        <Suspense fallback={<p aria-busy="true" className="text-zinc-500">…</p>}>
          <WishlistView />
        </Suspense>
      </HydrateClient>
    </>
  );
}
