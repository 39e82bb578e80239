import { MAX_SEARCH_LENGTH, PAGE_SIZES, PRODUCT_SORTS, type ProductSort } from "~/server/domain/products/catalog-options.ts";

export type CatalogPageSize = (typeof PAGE_SIZES)[number];
export type CatalogParams = { page: number; pageSize: CatalogPageSize; category: string | null; query: string; sort: ProductSort };

export const DEFAULT_PAGE_SIZE: CatalogPageSize = 12;
/** Mirrors the procedure's input bound, so a hand-typed URL can never make the query itself fail. */
const MAX_PAGE = 10_000;

type SearchParamValue = string | string[] | undefined;

function firstValue(value: SearchParamValue) {
  return Array.isArray(value) ? value[0] : value;
}

function isPageSize(value: number): value is CatalogPageSize {
  return (PAGE_SIZES as readonly number[]).includes(value);
}

function isSort(value: string): value is ProductSort {
  return (PRODUCT_SORTS as readonly string[]).includes(value);
}

/**
 * Reads ?page=&size=&category=&q=&sort= from the URL. Anything malformed falls back to the defaults instead of failing
 * the page; an overlong search is cut to the limit the procedure accepts.
 */
export function parseCatalogParams(searchParams: Record<string, SearchParamValue>): CatalogParams {
  const rawPage = firstValue(searchParams.page)?.trim() ?? "";
  const rawSize = firstValue(searchParams.size)?.trim() ?? "";
  const rawCategory = firstValue(searchParams.category)?.trim() ?? "";
  const rawSort = firstValue(searchParams.sort)?.trim() ?? "";

  const page = /^\d{1,5}$/.test(rawPage) ? Number(rawPage) : 1;
  const size = /^\d{1,3}$/.test(rawSize) ? Number(rawSize) : DEFAULT_PAGE_SIZE;

  return {
    page: page >= 1 && page <= MAX_PAGE ? page : 1,
    pageSize: isPageSize(size) ? size : DEFAULT_PAGE_SIZE,
    category: /^[a-z0-9-]{1,64}$/.test(rawCategory) ? rawCategory : null,
    query: (firstValue(searchParams.q) ?? "").trim().slice(0, MAX_SEARCH_LENGTH).trim(),
    sort: isSort(rawSort) ? rawSort : "newest",
  };
}

/** The procedure input for these params (empty search and "all categories" are simply left out). */
export function catalogQueryInput(params: CatalogParams) {
  return {
    page: params.page,
    pageSize: params.pageSize,
    sort: params.sort,
    ...(params.category ? { category: params.category } : {}),
    ...(params.query ? { query: params.query } : {}),
  };
}
