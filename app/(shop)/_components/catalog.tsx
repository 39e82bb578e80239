"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";

import { PageSizeSelect } from "~/app/(shop)/_components/page-size-select.tsx";
import { Pagination } from "~/app/(shop)/_components/pagination.tsx";
import { ProductCard } from "~/app/(shop)/_components/product-card.tsx";
import { catalogHref } from "~/app/(shop)/_lib/catalog-href.ts";
import { catalogQueryInput, type CatalogParams } from "~/app/(shop)/_lib/catalog-params.ts";
import { cartKo } from "~/app/_i18n/cart.ts";
import { ko } from "~/app/_i18n/ko.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";

type CatalogProps = { params: CatalogParams; pageSizes: readonly number[] };

/** The catalog grid; its data was prefetched by the page and arrives through HydrateClient. */
export function Catalog({ params, pageSizes }: CatalogProps) {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery(trpc.product.list.queryOptions(catalogQueryInput(params)));
  const isFiltered = Boolean(params.category || params.query);

  return (
    <>
      <div className="mb-6 flex flex-wrap items-center justify-between gap-3 border-b border-zinc-200 pb-4">
        <p className="text-sm text-zinc-600" aria-live="polite">
          {params.query ? <span className="mr-2 font-medium text-zinc-900">{cartKo.filters.resultFor(params.query)}</span> : null}
          {ko.catalog.total(data.total)}
        </p>
        <PageSizeSelect params={params} sizes={pageSizes} />
      </div>

      {data.items.length === 0 ? (
        <div className="rounded-xl border border-dashed border-zinc-300 bg-white py-16 text-center">
          <p className="text-zinc-600">{isFiltered && data.total === 0 ? cartKo.filters.noResults : ko.catalog.empty}</p>
          {data.page > 1 ? (
            <Link
              href={catalogHref({ ...params, page: 1 })}
              className="mt-4 inline-block text-sm font-medium text-brand-600 hover:underline"
            >
              {ko.catalog.backToFirst}
            </Link>
          ) : null}
        </div>
      ) : (
        <ul aria-label={ko.catalog.listLabel} className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4">
          {data.items.map((product, index) => (
            <li key={product.id} className="flex">
              <ProductCard product={product} isPriority={index < 4} />
            </li>
          ))}
        </ul>
      )}

      <Pagination params={params} page={data.page} pageCount={data.pageCount} />
    </>
  );
}

export function CatalogSkeleton({ pageSize }: { pageSize: number }) {
  return (
    <div aria-busy="true">
      <p className="sr-only">{ko.catalog.loading}</p>
      <div className="mb-6 h-13 border-b border-zinc-200" />
      <div className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4">
        {Array.from({ length: Math.min(pageSize, 12) }, (_, index) => (
          <div key={index} className="animate-pulse overflow-hidden rounded-xl border border-zinc-200 bg-white">
            <div className="aspect-square bg-zinc-100" />
            <div className="space-y-2 p-4">
              <div className="h-3 w-1/3 rounded bg-zinc-100" />
              <div className="h-4 w-3/4 rounded bg-zinc-100" />
              <div className="h-5 w-1/2 rounded bg-zinc-100" />
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}
