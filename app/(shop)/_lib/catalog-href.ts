/** Catalog URLs. Kept apart from catalog-params.ts so client components do not pull in the domain module. */
export type CatalogHrefParams = {
  page: number;
  pageSize: number;
  category?: string | null;
  query?: string;
  sort?: string;
};

/**
 * The whole catalog state lives in the URL, so every view is linkable and back/forward replays it. Defaults are left
 * out to keep links short; page and size stay because existing links and tests use them.
 */
export function catalogHref({ page, pageSize, category, query, sort }: CatalogHrefParams) {
  const params = new URLSearchParams({ page: String(page), size: String(pageSize) });
  if (category) params.set("category", category);
  if (query) params.set("q", query);
  if (sort && sort !== "newest") params.set("sort", sort);
  return `/?${params.toString()}`;
}
