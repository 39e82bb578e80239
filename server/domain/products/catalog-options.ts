/** The catalog's choices, as plain constants: client components (filters, page size) import them without the domain. */
export const PAGE_SIZES = [12, 24, 48] as const;

export const PRODUCT_SORTS = ["newest", "price-asc", "price-desc"] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

export const MAX_SEARCH_LENGTH = 50;
