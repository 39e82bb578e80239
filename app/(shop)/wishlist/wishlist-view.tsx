"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Image from "next/image";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { CartNotice, type CartNoticeState } from "~/app/(shop)/_components/cart-notice.tsx";
import { cartKo } from "~/app/_i18n/cart.ts";
import { ko } from "~/app/_i18n/ko.ts";
import { formatKrw } from "~/app/_lib/format.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";

/** The hearted products as a grid, each with "move to cart" and "remove". */
export function WishlistView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const { data } = useSuspenseQuery(trpc.wishlist.list.queryOptions());
  const [notice, setNotice] = useState<CartNoticeState>(null);

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.wishlist.list.queryKey() });

  const moveToCart = useMutation(
    trpc.wishlist.moveToCart.mutationOptions({
      onSuccess: async (_result, input) => {
        const name = data.items.find((item) => item.product.id === input.productId)?.product.name ?? "";
        setNotice({ kind: "in-cart", text: cartKo.wishlist.moved(name) });
        await Promise.all([refresh(), queryClient.invalidateQueries({ queryKey: trpc.cart.pathKey() })]);
        // The header's cart badge is rendered on the server.
        router.refresh();
      },
      onError: (error) => {
        setNotice({ kind: "error", text: error.message || cartKo.wishlist.failed });
        void refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.wishlist.remove.mutationOptions({
      onSuccess: () => {
        setNotice(null);
        void refresh();
      },
      onError: (error) => setNotice({ kind: "error", text: error.message || cartKo.wishlist.failed }),
    }),
  );

  return (
    <>
      <CartNotice notice={notice} testId="wishlist-status" className="mb-4 min-h-6 text-sm" />

      {data.items.length === 0 ? (
        <div className="rounded-xl border border-dashed border-zinc-300 bg-white py-16 text-center">
          <p className="text-zinc-600">{cartKo.wishlist.empty}</p>
          <Link href="/" className="mt-4 inline-block text-sm font-medium text-brand-600 hover:underline">
            {cartKo.wishlist.browse}
          </Link>
        </div>
      ) : (
        <ul aria-label={cartKo.wishlist.listLabel} className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4">
          {data.items.map(({ id, product }) => {
            const isDiscontinued = product.status === "DISCONTINUED";
            const isSoldOut = product.status === "SOLD_OUT" || product.stock <= 0;
            const isBusy = (moveToCart.isPending && moveToCart.variables.productId === product.id) || (remove.isPending && remove.variables.productId === product.id);
            return (
              <li key={id} aria-label={product.name} className="flex flex-col overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-sm">
                <div className="relative aspect-square bg-zinc-100">
                  <Image
                    src={product.imageUrl}
                    alt={product.name}
                    width={480}
                    height={480}
                    unoptimized
                    className={`size-full object-cover ${isSoldOut || isDiscontinued ? "opacity-50 grayscale" : ""}`}
                  />
                  {isSoldOut || isDiscontinued ? (
                    <span className="absolute right-3 top-3 rounded-md bg-zinc-900 px-2 py-1 text-xs font-semibold text-white">
                      {isDiscontinued ? cartKo.wishlist.discontinued : ko.catalog.soldOut}
                    </span>
                  ) : null}
                </div>
                <div className="flex flex-1 flex-col gap-1 p-4">
                  <p className="text-xs font-medium text-zinc-500">{product.category.name}</p>
                  <h2 className="line-clamp-2 text-sm font-semibold text-zinc-900">
                    {isDiscontinued ? product.name : <Link href={`/products/${product.id}`} className="hover:underline">{product.name}</Link>}
                  </h2>
                  <p className="pt-1 text-base font-bold text-zinc-900">{formatKrw(product.price)}</p>
                  <div className="mt-auto grid gap-2 pt-3">
                    <button
                      type="button"
                      aria-label={cartKo.wishlist.moveToCartOf(product.name)}
                      disabled={isBusy || isSoldOut || isDiscontinued}
                      onClick={() => moveToCart.mutate({ productId: product.id })}
                      className="h-9 rounded-md bg-zinc-900 px-3 text-sm font-semibold text-white hover:bg-zinc-700 disabled:cursor-not-allowed disabled:opacity-40"
                    >
                      {cartKo.wishlist.moveToCart}
                    </button>
                    <button
                      type="button"
                      aria-label={cartKo.wishlist.removeOf(product.name)}
                      disabled={isBusy}
                      onClick={() => remove.mutate({ productId: product.id })}
                      className="h-9 rounded-md border border-zinc-300 px-3 text-sm text-zinc-700 hover:bg-zinc-100 disabled:opacity-40"
                    >
                      {cartKo.wishlist.remove}
                    </button>
                  </div>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
