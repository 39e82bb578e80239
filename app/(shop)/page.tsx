import type { Metadata } from "next";
import { Suspense } from "react";

import { Catalog, CatalogSkeleton } from "~/app/(shop)/_components/catalog.tsx";
import { CatalogFilters } from "~/app/(shop)/_components/catalog-filters.tsx";
import { SalesStrip } from "~/app/(shop)/_components/sales-strip.tsx";
import { catalogQueryInput, parseCatalogParams } from "~/app/(shop)/_lib/catalog-params.ts";
import { cartKo } from "~/app/_i18n/cart.ts";
import { ko } from "~/app/_i18n/ko.ts";
import { createRscContext, HydrateClient, prefetch, trpc } from "~/app/_trpc/server.tsx";
import { PAGE_SIZES } from "~/server/domain/products/catalog-options.ts";

type CatalogPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ searchParams }: CatalogPageProps): Promise<Metadata> {
  const { page, query } = parseCatalogParams(await searchParams);
  const base = query ? cartKo.filters.resultFor(query) : ko.catalog.title;
  return { title: page > 1 ? `${base} (${ko.catalog.pagination.page(page)})` : base };
}

export default async function CatalogPage({ searchParams }: CatalogPageProps) {
  const params = parseCatalogParams(await searchParams);
  const { session } = await createRscContext();
  prefetch(trpc.product.list.queryOptions(catalogQueryInput(params)));
  prefetch(trpc.product.categories.queryOptions());
  // The hearts on the cards read this; signed-out shoppers (and cached public renders, which have no cookie) have no
  // wishlist to fetch: the hearts then ask for it in the browser once the viewer is known.
  if (session) prefetch(trpc.wishlist.list.queryOptions());

  return (
    <>
      <header className="mb-8">
        <p className="text-sm font-semibold text-brand-600">{ko.site.tagline}</p>
        <h1 className="mt-1 text-3xl font-bold tracking-tight text-zinc-900">{ko.catalog.heading}</h1>
        <p className="mt-2 text-zinc-600">{ko.catalog.intro}</p>
      </header>

      <SalesStrip />

      <HydrateClient>
        <Suspense fallback={<CatalogSkeleton pageSize={params.pageSize} />}>
          <CatalogFilters params={params} />
          <Catalog params={params} pageSizes={PAGE_SIZES} />
        </Suspense>
      </HydrateClient>
    </>
  );
}
