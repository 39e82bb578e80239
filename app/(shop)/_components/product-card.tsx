import type { inferRouterOutputs } from "@trpc/server";
import Image from "next/image";
import Link from "next/link";

import { WishlistHeart } from "~/app/(shop)/_components/wishlist-heart.tsx";
import { ko } from "~/app/_i18n/ko.ts";
import { formatKrw } from "~/app/_lib/format.ts";
import type { AppRouter } from "~/server/api/root.ts";

export type ProductCardData = inferRouterOutputs<AppRouter>["product"]["list"]["items"][number];

type ProductCardProps = { product: ProductCardData; isPriority?: boolean };

export function ProductCard({ product, isPriority }: ProductCardProps) {
  const isSoldOut = product.status === "SOLD_OUT" || product.stock <= 0;

  return (
    <article className="group relative flex w-full flex-col overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-sm transition hover:-translate-y-0.5 hover:shadow-md">
      <div className="relative aspect-square bg-zinc-100">
        <Image
          src={product.imageUrl}
          alt={product.name}
          width={480}
          height={480}
          unoptimized
          priority={isPriority}
          className={`size-full object-cover ${isSoldOut ? "opacity-50 grayscale" : ""}`}
        />
        {isSoldOut ? (
          <span className="absolute right-3 top-3 rounded-md bg-zinc-900 px-2 py-1 text-xs font-semibold text-white shadow-sm">
            {ko.catalog.soldOut}
          </span>
        ) : null}
        {/* Above the card-wide link (z-10), so the heart is its own click target. */}
        <div className="absolute left-3 top-3 z-10">
          <WishlistHeart productId={product.id} productName={product.name} />
        </div>
      </div>
      <div className="flex flex-1 flex-col gap-1 p-4">
        <p className="text-xs font-medium text-zinc-500">{product.category.name}</p>
        <h2 className="line-clamp-2 text-sm font-semibold text-zinc-900">
          {/* The link covers the whole card (after:inset-0) while its accessible name stays the product name. */}
          <Link href={`/products/${product.id}`} className="after:absolute after:inset-0 after:content-['']">
            {product.name}
          </Link>
        </h2>
        <p className={`mt-auto pt-2 text-base font-bold ${isSoldOut ? "text-zinc-500" : "text-zinc-900"}`}>
          {formatKrw(product.price)}
        </p>
      </div>
    </article>
  );
}
