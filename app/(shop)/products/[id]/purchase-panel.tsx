"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";

import { QuantityStepper } from "~/app/(shop)/_components/quantity-stepper.tsx";
import { loginHref } from "~/app/(shop)/_lib/login-href.ts";
import { CartNotice, type CartNoticeState } from "~/app/(shop)/_components/cart-notice.tsx";
import { useIsSignedIn, useViewer } from "~/app/_components/viewer.tsx";
import { cartKo } from "~/app/_i18n/cart.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";

type PurchasePanelProps = {
  productId: number;
  maxQuantity: number;
  isSoldOut: boolean;
  /** `?quantity=` as it came in the address (a shared link, a way back from checkout), unchecked; null when absent. */
  requestedQuantity?: string | null;
};

/**
 * The starting quantity. A requested quantity that cannot be bought is not changed silently: the page shows a valid
 * one (1 for nonsense, the maximum for too many) and says why, so the shopper can still buy with one tap. Nothing is
 * bought on this page; checkout itself refuses an invalid quantity outright.
 */
function initialQuantity(requested: string | null | undefined, max: number): { quantity: number; message: string | null } {
  if (requested === null || requested === undefined) return { quantity: 1, message: null };
  const parsed = /^\d{1,6}$/.test(requested) ? Number(requested) : Number.NaN;
  if (!Number.isInteger(parsed) || parsed < 1) return { quantity: 1, message: cartKo.purchase.requestedInvalid };
  const limit = Math.max(1, max);
  if (parsed > limit) return { quantity: limit, message: cartKo.purchase.requestedOverMax(parsed, limit) };
  return { quantity: parsed, message: null };
}

/**
 * Quantity, "buy now" and "add to cart". Only the product id and quantity leave the browser; price and stock are the
 * server's business. Signed-out shoppers are sent to log in and brought back to this product (or to checkout).
 */
export function PurchasePanel({ productId, maxQuantity, isSoldOut, requestedQuantity = null }: PurchasePanelProps) {
  const trpc = useTRPC();
  // From the viewer: the product page is cached HTML shared by signed-in and signed-out shoppers. Adding to the cart
  // waits until the viewer is known, so a signed-in shopper's early click is never sent to the login page.
  const isViewerLoading = useViewer().status === "loading";
  const isSignedIn = useIsSignedIn();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [initial] = useState(() => initialQuantity(requestedQuantity, maxQuantity));
  const [quantity, setQuantity] = useState(initial.quantity);
  const [quantityMessage, setQuantityMessage] = useState<string | null>(initial.message);
  const quantityMessageId = useId();
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
          onChange={(next) => {
            setQuantity(next);
            setQuantityMessage(null);
          }}
          onRejected={(reason, max) => setQuantityMessage(reason === "invalid" ? cartKo.purchase.typedInvalid : cartKo.purchase.typedOverMax(max))}
          describedBy={quantityMessage ? quantityMessageId : undefined}
          label={cartKo.purchase.quantity}
          decreaseLabel={cartKo.purchase.decrease}
          increaseLabel={cartKo.purchase.increase}
        />
        <span className="text-xs text-zinc-600">{cartKo.purchase.maxNote(maxQuantity)}</span>
      </div>
      {quantityMessage ? (
        <p id={quantityMessageId} role="status" data-testid="quantity-message" className="mt-2 text-sm text-red-600">
          {quantityMessage}
        </p>
      ) : null}

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
          disabled={addToCart.isPending || isViewerLoading}
          className="h-12 rounded-lg border border-zinc-300 bg-white px-4 font-semibold text-zinc-900 hover:bg-zinc-50 disabled:opacity-60"
        >
          {addToCart.isPending ? cartKo.purchase.adding : cartKo.purchase.addToCart}
        </button>
      </div>

      <CartNotice notice={notice} testId="purchase-status" className="mt-3 min-h-6 text-sm" />
    </div>
  );
}
