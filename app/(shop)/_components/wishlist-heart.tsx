"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { currentPath, loginHref } from "~/app/(shop)/_lib/login-href.ts";
import { useIsSignedIn, useViewer } from "~/app/_components/viewer.tsx";
import { cartKo } from "~/app/_i18n/cart.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";

type WishlistHeartProps = { productId: number; productName: string; size?: "sm" | "lg" };

/**
 * The heart toggle. Its state comes from the shopper's wishlist query (one request shared by every heart on the
 * page); a signed-out shopper is sent to the login page and brought back here.
 */
export function WishlistHeart({ productId, productName, size = "sm" }: WishlistHeartProps) {
  const trpc = useTRPC();
  // From the viewer, not the page: a cached public page is the same HTML for signed-in and signed-out shoppers. Until
  // the viewer and their wishlist are known the heart waits: a click must neither send a signed-in shopper to log in
  // nor toggle a heart whose state is not shown yet.
  const isViewerLoading = useViewer().status === "loading";
  const isSignedIn = useIsSignedIn();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);

  const wishlist = useQuery({ ...trpc.wishlist.list.queryOptions(), enabled: isSignedIn });
  const isWishlisted = wishlist.data?.productIds.includes(productId) ?? false;

  const toggle = useMutation(
    trpc.wishlist.toggle.mutationOptions({
      onSuccess: (result) => {
        setError(null);
        // Show the new state at once; the refetch then brings the full list (for the wishlist page) up to date.
        queryClient.setQueryData(trpc.wishlist.list.queryKey(), (old) =>
          old
            ? {
                ...old,
                productIds: result.isWishlisted ? [...old.productIds, productId] : old.productIds.filter((id) => id !== productId),
              }
            : old,
        );
        void queryClient.invalidateQueries({ queryKey: trpc.wishlist.list.queryKey() });
      },
      onError: (mutationError) => setError(mutationError.message || cartKo.heart.failed),
    }),
  );

  function onClick() {
    if (!isSignedIn) {
      router.push(loginHref(currentPath()));
      return;
    }
    toggle.mutate({ productId });
  }

  const dimensions = size === "lg" ? "size-12 text-2xl" : "size-9 text-lg";
  return (
    <>
      <button
        type="button"
        onClick={onClick}
        disabled={toggle.isPending || isViewerLoading || (isSignedIn && wishlist.isPending)}
        aria-pressed={isSignedIn ? isWishlisted : false}
        aria-label={cartKo.heart.add(productName)}
        title={cartKo.heart.label}
        data-testid="wishlist-heart"
        className={`grid ${dimensions} place-items-center rounded-full border border-zinc-200 bg-white/90 shadow-sm transition hover:scale-105 disabled:opacity-60 ${
          isWishlisted ? "text-brand-600" : "text-zinc-400 hover:text-brand-600"
        }`}
      >
        <span aria-hidden="true">{isWishlisted ? "♥" : "♡"}</span>
      </button>
      {error ? (
        <span role="status" className="sr-only">
          {error}
        </span>
      ) : null}
    </>
  );
}
