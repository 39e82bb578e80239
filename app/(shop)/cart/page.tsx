import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Suspense } from "react";

import { loginHref } from "~/app/(shop)/_lib/login-href.ts";
import { CartView } from "~/app/(shop)/cart/cart-view.tsx";
import { cartKo } from "~/app/_i18n/cart.ts";
import { createRscContext, HydrateClient, prefetch, trpc } from "~/app/_trpc/server.tsx";

export const metadata: Metadata = { title: cartKo.cart.title };

export default async function CartPage() {
  // proxy.ts redirects first; this check stays because a matcher mistake must not render someone's cart.
  const { session } = await createRscContext();
  if (!session) redirect(loginHref("/cart"));
  prefetch(trpc.cart.get.queryOptions());

  return (
    <>
      <h1 className="mb-6 text-3xl font-bold tracking-tight text-zinc-900">{cartKo.cart.heading}</h1>
      <HydrateClient>
        <Suspense fallback={<p aria-busy="true" className="text-zinc-500">…</p>}>
          <CartView />
        </Suspense>
      </HydrateClient>
    </>
  );
}
