/**
 * Tags of the cached public pages (home, product, sale, login, signup). The page cache (server/http/public-page-cache.ts)
 * files each page under the tags of what it shows; a use case that changes one of those things drops the pages of
 * that tag through `deps.invalidatePublicPages`, so the next visitor gets a fresh render instead of waiting out the
 * cache lifetime. The domain only names tags: how pages are cached is the composition root's business.
 */
export const publicPageTags = {
  /** The home page: the catalog grid and its search results. */
  catalog: "catalog",
  /** Pages listing flash sales: the home page's strip. */
  sales: "sales",
  /** Every sale page (each also has its own sale tag). */
  salePages: "sale-pages",
  product: (productId: number) => `product:${productId}`,
  sale: (saleId: number) => `sale:${saleId}`,
  /** Login and signup: static forms. */
  auth: "auth",
} as const;

/** Drops every cached public page filed under any of these tags. Never throws: a cache is not a reason to fail a write. */
export type InvalidatePublicPages = (tags: readonly string[]) => void;

/** A sale was created, edited, paused, resumed, closed or sold out: its page and the sales strip. */
export function saleChangedTags(saleId: number) {
  return [publicPageTags.sale(saleId), publicPageTags.sales];
}

/**
 * A product's name, price, image, stock state or status changed: its page, the catalog and the sales strip, and every
 * sale page (a sale page shows its product; admin product edits are rare enough not to track which sales do).
 */
export function productChangedTags(productId: number) {
  return [publicPageTags.product(productId), publicPageTags.catalog, publicPageTags.sales, publicPageTags.salePages];
}
