"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId } from "react";

import { catalogHref } from "~/app/(shop)/_lib/catalog-href.ts";
import type { CatalogParams } from "~/app/(shop)/_lib/catalog-params.ts";
import { cartKo } from "~/app/_i18n/cart.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";
import { MAX_SEARCH_LENGTH, PRODUCT_SORTS } from "~/server/domain/products/catalog-options.ts";

/**
 * Search, category and sort. Each change navigates to a new URL (page 1, since the old page number means something
 * else in a different list), so the browser's back and forward buttons step through the shopper's choices. Without
 * JavaScript the form is a plain GET to the same URL.
 */
export function CatalogFilters({ params }: { params: CatalogParams }) {
  const trpc = useTRPC();
  const router = useRouter();
  const { data: categories } = useSuspenseQuery(trpc.product.categories.queryOptions());
  const searchId = useId();
  const categoryId = useId();
  const sortId = useId();

  function go(next: Partial<CatalogParams>) {
    router.push(catalogHref({ ...params, ...next, page: 1 }));
  }

  const hasFilters = Boolean(params.category || params.query || params.sort !== "newest");

  return (
    <form
      role="search"
      aria-label={cartKo.filters.label}
      method="get"
      action="/"
      onSubmit={(event) => {
        event.preventDefault();
        go({ query: String(new FormData(event.currentTarget).get("q") ?? "").trim() });
      }}
      className="mb-6 grid gap-3 rounded-xl border border-zinc-200 bg-white p-4 shadow-sm sm:grid-cols-[1fr_auto_auto] sm:items-end"
    >
      <input type="hidden" name="size" value={params.pageSize} />
      <div className="flex flex-col gap-1">
        <label htmlFor={searchId} className="text-xs font-medium text-zinc-600">
          {cartKo.filters.search}
        </label>
        <div className="flex gap-2">
          {/* Keyed by the URL's query so back/forward shows the search that produced the list. */}
          <input
            key={params.query}
            id={searchId}
            type="search"
            name="q"
            defaultValue={params.query}
            maxLength={MAX_SEARCH_LENGTH}
            placeholder={cartKo.filters.searchPlaceholder}
            className="h-10 min-w-0 flex-1 rounded-md border border-zinc-300 px-3 text-sm text-zinc-900"
          />
          <button type="submit" className="h-10 rounded-md bg-zinc-900 px-4 text-sm font-semibold text-white hover:bg-zinc-700">
            {cartKo.filters.submit}
          </button>
        </div>
      </div>

      <div className="flex flex-col gap-1">
        <label htmlFor={categoryId} className="text-xs font-medium text-zinc-600">
          {cartKo.filters.category}
        </label>
        <select
          id={categoryId}
          name="category"
          value={params.category ?? ""}
          onChange={(event) => go({ category: event.target.value || null })}
          className="h-10 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900"
        >
          <option value="">{cartKo.filters.allCategories}</option>
          {categories.map((category) => (
            <option key={category.id} value={category.slug}>
              {category.name}
            </option>
          ))}
        </select>
      </div>

      <div className="flex flex-col gap-1">
        <label htmlFor={sortId} className="text-xs font-medium text-zinc-600">
          {cartKo.filters.sort}
        </label>
        <select
          id={sortId}
          name="sort"
          value={params.sort}
          onChange={(event) => go({ sort: event.target.value as CatalogParams["sort"] })}
          className="h-10 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900"
        >
          {PRODUCT_SORTS.map((sort) => (
            <option key={sort} value={sort}>
              {cartKo.filters.sorts[sort]}
            </option>
          ))}
        </select>
      </div>

      {hasFilters ? (
        <p className="sm:col-span-3">
          <Link href={catalogHref({ page: 1, pageSize: params.pageSize })} className="text-sm font-medium text-brand-600 hover:underline">
            {cartKo.filters.reset}
          </Link>
        </p>
      ) : null}
    </form>
  );
}
