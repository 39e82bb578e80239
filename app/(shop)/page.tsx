import type { Metadata } from "next";
import { Suspense } from "react";

import { Catalog, CatalogSkeleton } from "~/app/(shop)/_components/catalog.tsx";
import { parseCatalogParams } from "~/app/(shop)/_lib/catalog-params.ts";
import { ko } from "~/app/_i18n/ko.ts";
import { HydrateClient, prefetch, trpc } from "~/app/_trpc/server.tsx";
import { PAGE_SIZES } from "~/server/domain/products/list-products.ts";

type CatalogPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ searchParams }: CatalogPageProps): Promise<Metadata> {
  const { page } = parseCatalogParams(await searchParams);
  return { title: page > 1 ? `${ko.catalog.title} (${ko.catalog.pagination.page(page)})` : ko.catalog.title };
}

export default async function CatalogPage({ searchParams }: CatalogPageProps) {
  const { page, pageSize } = parseCatalogParams(await searchParams);
  prefetch(trpc.product.list.queryOptions({ page, pageSize }));

  return (
    <>
      <header className="mb-8">
        <p className="text-sm font-semibold text-brand-600">{ko.site.tagline}</p>
        <h1 className="mt-1 text-3xl font-bold tracking-tight text-zinc-900">{ko.catalog.heading}</h1>
        <p className="mt-2 text-zinc-600">{ko.catalog.intro}</p>
      </header>

      <HydrateClient>
        <Suspense fallback={<CatalogSkeleton pageSize={pageSize} />}>
          <Catalog page={page} pageSize={pageSize} pageSizes={PAGE_SIZES} />
        </Suspense>
      </HydrateClient>
    </>
  );
}
