"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { QuantityStepper } from "~/app/(shop)/_components/quantity-stepper.tsx";
import { loginHref } from "~/app/(shop)/_lib/login-href.ts";
import { CartNotice, type CartNoticeState } from "~/app/(shop)/_components/cart-notice.tsx";
import { cartKo } from "~/app/_i18n/cart.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";

type PurchasePanelProps = { productId: number; maxQuantity: number; isSoldOut: boolean; isSignedIn: boolean };

/**
 * Quantity, "buy now" and "add to cart". Only the product id and quantity leave the browser; price and stock are the
 * server's business. Signed-out shoppers are sent to log in and brought back to this product (or to checkout).
 */
export function PurchasePanel({ productId, maxQuantity, isSoldOut, isSignedIn }: PurchasePanelProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [quantity, setQuantity] = useState(1);
  const [notice, setNotice] = useState<CartNoticeState>(null);

  const addToCart = useMutation(
    trpc.cart.add.mutationOptions({
      onSuccess: () => {
        setNotice({ kind: "in-cart", text: cartKo.purchase.added(quantity) });
        void queryClient.invalidateQueries({ queryKey: trpc.cart.pathKey() });
        // Re-renders the server header so its cart badge counts the new line.
        router.refresh();
      },
      onError: (error) => setNotice({ kind: "error", text: error.message || cartKo.purchase.failed }),
    }),
  );

  if (isSoldOut) {
    return (
      <p data-testid="purchase-note" className="mt-8 rounded-lg bg-zinc-100 p-4 text-sm text-zinc-600">
        {cartKo.purchase.soldOut}
      </p>
    );
  }

  const productPath = `/products/${productId}`;
  const checkoutPath = `/checkout?productId=${productId}&quantity=${quantity}`;

  function onAddToCart() {
    if (!isSignedIn) {
      router.push(loginHref(productPath));
      return;
    }
    setNotice(null);
    addToCart.mutate({ productId, quantity });
  }

  return (
    <div className="mt-8">
      <div className="flex flex-wrap items-center gap-3">
        <span className="text-sm font-medium text-zinc-700" aria-hidden="true">
          {cartKo.purchase.quantity}
        </span>
        <QuantityStepper
          value={quantity}
          max={maxQuantity}
          onChange={setQuantity}
          label={cartKo.purchase.quantity}
          decreaseLabel={cartKo.purchase.decrease}
          increaseLabel={cartKo.purchase.increase}
        />
        <span className="text-xs text-zinc-500">{cartKo.purchase.maxNote(maxQuantity)}</span>
      </div>

      <div className="mt-4 grid gap-3 sm:grid-cols-2">
        <Link
          href={isSignedIn ? checkoutPath : loginHref(checkoutPath)}
          className="grid h-12 place-items-center rounded-lg bg-brand-600 px-4 font-semibold text-white hover:bg-brand-700"
        >
          {cartKo.purchase.buyNow}
        </Link>
        <button
          type="button"
          onClick={onAddToCart}
          disabled={addToCart.isPending}
          className="h-12 rounded-lg border border-zinc-300 bg-white px-4 font-semibold text-zinc-900 hover:bg-zinc-50 disabled:opacity-60"
        >
          {addToCart.isPending ? cartKo.purchase.adding : cartKo.purchase.addToCart}
        </button>
      </div>

      <CartNotice notice={notice} testId="purchase-status" className="mt-3 min-h-6 text-sm" />
    </div>
  );
}
