"use client";

import { useRouter } from "next/navigation";
import { useId } from "react";

import { catalogHref } from "~/app/(shop)/_lib/catalog-href.ts";
import type { CatalogParams } from "~/app/(shop)/_lib/catalog-params.ts";
import { ko } from "~/app/_i18n/ko.ts";

/**
 * Changing the size starts again at page 1 (the old page number means something else at another size).
 * Without JavaScript the surrounding GET form and its button do the same. Filters and sort are kept.
 */
export function PageSizeSelect({ params, sizes }: { params: CatalogParams; sizes: readonly number[] }) {
  const router = useRouter();
  const id = useId();

  return (
    <form method="get" action="/" className="flex items-center gap-2">
      <input type="hidden" name="page" value="1" />
      {params.category ? <input type="hidden" name="category" value={params.category} /> : null}
      {params.query ? <input type="hidden" name="q" value={params.query} /> : null}
      {params.sort !== "newest" ? <input type="hidden" name="sort" value={params.sort} /> : null}
      <label htmlFor={id} className="text-sm text-zinc-600">
        {ko.catalog.pageSizeLabel}
      </label>
      <select
        id={id}
        name="size"
        value={params.pageSize}
        onChange={(event) => router.push(catalogHref({ ...params, page: 1, pageSize: Number(event.target.value) }))}
        className="h-9 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900"
      >
        {sizes.map((size) => (
          <option key={size} value={size}>
            {ko.catalog.pageSizeOption(size)}
          </option>
        ))}
      </select>
      <noscript>
        <button type="submit" className="h-9 rounded-md border border-zinc-300 px-3 text-sm">
          {ko.catalog.pageSizeApply}
        </button>
      </noscript>
    </form>
  );
}
