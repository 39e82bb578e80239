"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Image from "next/image";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { AddressChooser, preselectedAddressId } from "~/app/(shop)/checkout/address-chooser.tsx";
import { ordersKo } from "~/app/_i18n/orders.ts";
import { formatKrw } from "~/app/_lib/format.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";
import type { CheckoutSource } from "~/server/domain/orders/checkout-lines.ts";

const t = ordersKo.checkout;

/**
 * Checkout: the summary comes from order.checkout (priced on the server), the address is one of the buyer's own,
 * and placing the order sends only ids, quantities and an idempotency key minted once per page view, so a double
 * click or a retried request returns the same order instead of a second one.
 */
export function CheckoutForm({ source }: { source: CheckoutSource }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const checkoutQuery = useQuery({ ...trpc.order.checkout.queryOptions({ source }), retry: false });
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const [chosenAddressId, setChosenAddressId] = useState<number | null>(null);

  const placeOrder = useMutation(
    trpc.order.create.mutationOptions({
      onSuccess: (order) => {
        router.push(`/orders/${order.id}/pay`);
        // The header's cart count is rendered on the server; ordered cart lines are gone now.
        if (source.type === "cart") router.refresh();
      },
      // Stock may have changed: show the fresh summary beside the error.
      onError: () => void queryClient.invalidateQueries({ queryKey: trpc.order.checkout.pathKey() }),
    }),
  );

  // "Buy now" never went through the cart, so its way back is the product page.
  const backHref = source.type === "product" ? `/products/${source.productId}` : "/cart";
  const backLabel = source.type === "product" ? t.backToProduct : t.goToCart;

  if (checkoutQuery.isPending) return <p aria-busy="true" className="text-zinc-500">…</p>;
  if (checkoutQuery.isError) {
    return (
      <div role="alert" data-testid="checkout-error" className="rounded-xl border border-red-200 bg-red-50 p-6 text-red-800">
        <p>{checkoutQuery.error.message || t.failed}</p>
        <Link href={backHref} className="mt-3 inline-block text-sm font-medium underline">
          {backLabel}
        </Link>
      </div>
    );
  }

  const checkout = checkoutQuery.data;
  if (checkout.lines.length === 0) {
    return (
      <div className="rounded-xl border border-dashed border-zinc-300 bg-white py-16 text-center">
        <p className="text-zinc-600">{t.empty}</p>
        <Link href="/cart" className="mt-4 inline-block text-sm font-medium text-brand-600 hover:underline">
          {t.goToCart}
        </Link>
      </div>
    );
  }

  const addressId = preselectedAddressId(checkout.addresses, chosenAddressId);
  const canSubmit = checkout.canPlaceOrder && addressId !== null && !placeOrder.isPending && !placeOrder.isSuccess;

  return (
    // Not a <form>: the address form below is one, and forms cannot nest.
    <div className="grid gap-8 lg:grid-cols-[1fr_22rem]">
      <div className="space-y-8">
        <section aria-labelledby="checkout-items-heading">
          <h2 id="checkout-items-heading" className="text-lg font-semibold text-zinc-900">
            {t.items}
          </h2>
          <ul aria-label={t.itemsLabel} className="mt-3 divide-y divide-zinc-200 rounded-xl border border-zinc-200 bg-white">
            {checkout.lines.map((line) => (
              <li key={line.productId} data-testid="checkout-line" className="flex items-center gap-4 p-4">
                <div className="size-16 shrink-0 overflow-hidden rounded-lg border border-zinc-200 bg-zinc-100">
                  <Image src={line.imageUrl} alt="" width={128} height={128} unoptimized className="size-full object-cover" />
                </div>
                <div className="min-w-0 flex-1">
                  <p className="truncate text-sm font-semibold text-zinc-900">{line.name}</p>
                  <p className="text-xs text-zinc-500">
                    {t.unitPrice} {formatKrw(line.unitPrice)} · {t.quantity(line.quantity)}
                  </p>
                  {line.issue ? <p className="mt-1 w-fit rounded bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-amber-200">{t.issues[line.issue]}</p> : null}
                </div>
                <p className="text-sm font-semibold text-zinc-900">{formatKrw(line.lineTotal)}</p>
              </li>
            ))}
          </ul>
        </section>

        <AddressChooser
          addresses={checkout.addresses}
          selectedId={addressId}
          onSelect={setChosenAddressId}
          onAdded={async (address) => {
            setChosenAddressId(address.id);
            await queryClient.invalidateQueries({ queryKey: trpc.order.checkout.pathKey() });
          }}
        />
      </div>

      <aside aria-labelledby="checkout-summary-heading" className="h-fit rounded-xl border border-zinc-200 bg-white p-5 shadow-sm lg:sticky lg:top-24">
        <h2 id="checkout-summary-heading" className="text-base font-semibold text-zinc-900">
          {t.summary}
        </h2>
        <dl className="mt-4 space-y-2 text-sm">
          <div className="flex justify-between">
            <dt className="text-zinc-600">{t.itemsTotal}</dt>
            <dd className="text-zinc-900">{formatKrw(checkout.itemsTotal)}</dd>
          </div>
          <div className="flex justify-between">
            <dt className="text-zinc-600">{t.shippingFee}</dt>
            <dd className="text-zinc-900">{checkout.shippingFee === 0 ? t.free : formatKrw(checkout.shippingFee)}</dd>
          </div>
          <div className="flex items-baseline justify-between border-t border-zinc-200 pt-3">
            <dt className="font-medium text-zinc-800">{t.total}</dt>
            <dd data-testid="checkout-total" className="text-2xl font-bold text-zinc-900">
              {formatKrw(checkout.totalAmount)}
            </dd>
          </div>
        </dl>

        {placeOrder.error ? (
          <p role="alert" data-testid="checkout-error" className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {placeOrder.error.data?.zodError ? t.invalidRequest : placeOrder.error.message || t.failed}
          </p>
        ) : null}
        {!checkout.canPlaceOrder ? (
          <p data-testid="checkout-blocked" className="mt-4 text-sm text-amber-800">
            {source.type === "cart" ? t.fixIssues : checkout.lines[0]?.issue === "SOLD_OUT" ? t.soldOutBuyNow : t.fixIssuesBuyNow}
            {source.type === "product" ? (
              <>
                {" "}
                <Link href={backHref} className="font-semibold underline underline-offset-2">
                  {backLabel}
                </Link>
              </>
            ) : null}
          </p>
        ) : null}
        {checkout.canPlaceOrder && addressId === null ? <p className="mt-4 text-sm text-amber-700">{t.chooseAddress}</p> : null}

        <button
          type="button"
          disabled={!canSubmit}
          onClick={() => {
            if (addressId !== null) placeOrder.mutate({ source, addressId, idempotencyKey });
          }}
          className="mt-5 h-12 w-full rounded-lg bg-brand-600 font-semibold text-white hover:bg-brand-700 disabled:cursor-not-allowed disabled:opacity-50"
        >
          {placeOrder.isPending || placeOrder.isSuccess ? t.placing : t.placeOrder(formatKrw(checkout.totalAmount))}
        </button>
        <p className="mt-3 text-xs text-zinc-500">{t.holdNote(checkout.paymentWindowMinutes)}</p>
      </aside>
    </div>
  );
}
