import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Image from "next/image";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";

import { WishlistHeart } from "~/app/(shop)/_components/wishlist-heart.tsx";
import { RestockAlertButton } from "~/app/(shop)/_components/restock-alert-button.tsx";
import { PurchasePanel } from "~/app/(shop)/products/[id]/purchase-panel.tsx";
import { ko } from "~/app/_i18n/ko.ts";
import { formatKrw } from "~/app/_lib/format.ts";
import { createRscContext, HydrateClient, prefetch, serverCaller, trpc } from "~/app/_trpc/server.tsx";
import { MAX_QUANTITY_PER_ORDER, parseIdParam } from "~/server/domain/input-rules.ts";

type ProductPageProps = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** One fetch per request, shared by generateMetadata and the page. Missing products become the 404 page. */
const loadProduct = cache(async (rawId: string) => {
  const id = parseIdParam(rawId);
  if (id === null) notFound();

  const caller = await serverCaller();
  try {
    return await caller.product.get({ id });
  } catch (error) {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: ProductPageProps): Promise<Metadata> {
  const product = await loadProduct((await params).id);
  return { title: product.name, description: product.description.slice(0, 140) };
}

export default async function ProductPage({ params, searchParams }: ProductPageProps) {
  const product = await loadProduct((await params).id);
  const rawQuantity = (await searchParams).quantity;
  const requestedQuantity = typeof rawQuantity === "string" ? rawQuantity : Array.isArray(rawQuantity) ? (rawQuantity[0] ?? null) : null;
  const isSoldOut = product.status === "SOLD_OUT" || product.stock <= 0;
  // A cached public render has no cookie, so no session: the islands learn who is looking in the browser.
  const isSignedIn = (await createRscContext()).session !== null;
  if (isSignedIn) prefetch(trpc.wishlist.list.queryOptions());

  return (
    <HydrateClient>
      <Link href="/" className="text-sm font-medium text-zinc-600 hover:text-zinc-900">
        {ko.product.backToCatalog}
      </Link>

      <article className="mt-6 grid gap-8 md:grid-cols-2 md:gap-12">
        <div className="relative aspect-square overflow-hidden rounded-2xl border border-zinc-200 bg-zinc-100">
          <Image
            src={product.imageUrl}
            alt={product.name}
            width={720}
            height={720}
            unoptimized
            priority
            className={`size-full object-cover ${isSoldOut ? "opacity-60 grayscale" : ""}`}
          />
        </div>

        <div className="flex flex-col">
          <p className="text-sm font-medium text-zinc-500">
            <span className="sr-only">{ko.product.category}: </span>
            {product.category.name}
          </p>
          <div className="mt-1 flex items-start justify-between gap-4">
            <h1 className="text-2xl font-bold tracking-tight text-zinc-900 sm:text-3xl">{product.name}</h1>
            <WishlistHeart productId={product.id} productName={product.name} size="lg" />
          </div>

          <div className="mt-4 flex items-center gap-3">
            <span
              data-testid="product-status"
              className={
                isSoldOut
                  ? "rounded-md bg-zinc-900 px-2 py-1 text-xs font-semibold text-white"
                  : "rounded-md bg-emerald-50 px-2 py-1 text-xs font-semibold text-emerald-700 ring-1 ring-emerald-200"
              }
            >
              {isSoldOut ? ko.product.status.SOLD_OUT : ko.product.status[product.status]}
            </span>
            <span className="text-sm text-zinc-600">{ko.product.stock(product.stock)}</span>
          </div>

          <p className="mt-6">
            <span className="sr-only">{ko.product.price}: </span>
            <span className="text-3xl font-bold text-zinc-900">{formatKrw(product.price)}</span>
          </p>

          <PurchasePanel
            productId={product.id}
            maxQuantity={Math.min(product.stock, MAX_QUANTITY_PER_ORDER)}
            isSoldOut={isSoldOut}
            requestedQuantity={requestedQuantity}
          />
          {isSoldOut ? <RestockAlertButton target={{ productId: product.id }} /> : null}

          <section aria-labelledby="description-heading" className="mt-10 border-t border-zinc-200 pt-6">
            <h2 id="description-heading" className="text-base font-semibold text-zinc-900">
              {ko.product.description}
            </h2>
            <p className="mt-3 whitespace-pre-line leading-7 text-zinc-700">{product.description}</p>
          </section>
        </div>
      </article>
    </HydrateClient>
  );
}
