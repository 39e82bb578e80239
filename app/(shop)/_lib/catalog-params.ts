import { PAGE_SIZES } from "~/server/domain/products/list-products.ts";

export type CatalogPageSize = (typeof PAGE_SIZES)[number];
export type CatalogParams = { page: number; pageSize: CatalogPageSize };

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

/** Reads ?page=&size= from the URL. Anything malformed falls back to the defaults instead of failing the page. */
export function parseCatalogParams(searchParams: Record<string, SearchParamValue>): CatalogParams {
  const rawPage = firstValue(searchParams.page)?.trim() ?? "";
  const rawSize = firstValue(searchParams.size)?.trim() ?? "";

  const page = /^\d{1,5}$/.test(rawPage) ? Number(rawPage) : 1;
  const size = /^\d{1,3}$/.test(rawSize) ? Number(rawSize) : DEFAULT_PAGE_SIZE;

  return {
    page: page >= 1 && page <= MAX_PAGE ? page : 1,
    pageSize: isPageSize(size) ? size : DEFAULT_PAGE_SIZE,
  };
}
