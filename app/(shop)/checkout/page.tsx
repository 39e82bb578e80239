import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { Suspense } from "react";

import { CheckoutForm } from "~/app/(shop)/checkout/checkout-form.tsx";
import { loginHref } from "~/app/(shop)/_lib/login-href.ts";
import { ordersKo } from "~/app/_i18n/orders.ts";
import { createRscContext, HydrateClient, prefetch, trpc } from "~/app/_trpc/server.tsx";
import { checkoutSourceInput, type CheckoutSource } from "~/server/domain/orders/checkout-lines.ts";

export const metadata: Metadata = { title: ordersKo.checkout.title };

type CheckoutPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * `?from=cart` or `?productId=&quantity=`; anything else is not a checkout. Range checks are the server's. A quantity
 * that is not a number is refused with a message like any other invalid one, never quietly read as 1: this page
 * is one step from paying, so it must buy exactly what was asked or nothing.
 */
function parseSource(params: Record<string, string | string[] | undefined>): CheckoutSource | null {
  if (params.from === "cart") return { type: "cart" };
  const productId = typeof params.productId === "string" && /^\d{1,10}$/.test(params.productId) ? Number(params.productId) : null;
  const quantity = params.quantity === undefined ? 1 : typeof params.quantity === "string" && /^-?\d{1,4}$/.test(params.quantity) ? Number(params.quantity) : Number.NaN;
  if (productId === null) return null;
  return { type: "product", productId, quantity };
}

export default async function CheckoutPage({ searchParams }: CheckoutPageProps) {
  const params = await searchParams;
  const source = parseSource(params);
  const returnTo = source?.type === "product" ? `/checkout?productId=${source.productId}&quantity=${Number.isNaN(source.quantity) ? encodeURIComponent(String(params.quantity)) : source.quantity}` : "/checkout?from=cart";
  const { session } = await createRscContext();
  if (!session) redirect(loginHref(returnTo));
  if (!source) redirect("/cart");

  const parsed = checkoutSourceInput.safeParse(source);
  if (parsed.success) prefetch(trpc.order.checkout.queryOptions({ source: parsed.data }));

  return (
    <>
      <h1 className="mb-6 text-3xl font-bold tracking-tight text-zinc-900">{ordersKo.checkout.heading}</h1>
      {parsed.success ? (
        <HydrateClient>
          <Suspense fallback={<p aria-busy="true" className="text-zinc-500">…</p>}>
            <CheckoutForm source={parsed.data} />
          </Suspense>
        </HydrateClient>
      ) : (
        <div role="alert" data-testid="checkout-error" className="rounded-xl border border-red-200 bg-red-50 p-6 text-red-800">
          <p>{source.type === "product" && Number.isNaN(source.quantity) ? ordersKo.checkout.invalidQuantity : (parsed.error.issues[0]?.message ?? ordersKo.checkout.invalidRequest)}</p>
          <Link href={source.type === "product" ? `/products/${source.productId}` : "/cart"} className="mt-3 inline-block text-sm font-medium underline">
            {source.type === "product" ? ordersKo.checkout.backToProduct : ordersKo.checkout.goToCart}
          </Link>
        </div>
      )}
    </>
  );
}
