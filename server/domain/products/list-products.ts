import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import { MAX_SEARCH_LENGTH, PAGE_SIZES, PRODUCT_SORTS, type ProductSort } from "~/server/domain/products/catalog-options.ts";
import type { Prisma } from "~/server/generated/prisma/client.ts";
import type { ProductStatus } from "~/server/generated/prisma/enums.ts";
import { productCardSelect } from "~/server/domain/products/select.ts";

const LISTED_STATUSES: ProductStatus[] = ["AVAILABLE", "SOLD_OUT"];

export const listProductsInput = z.object({
  page: z.number().int().min(1).max(10_000).default(1),
  pageSize: z.union(PAGE_SIZES.map((size) => z.literal(size))).default(12),
  /** Category slug; absent means every category. */
  category: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/)
    .optional(),
  /** Part of the product name; blank means no search. */
  query: z.string().trim().max(MAX_SEARCH_LENGTH).optional(),
  sort: z.enum(PRODUCT_SORTS).default("newest"),
});
export type ListProductsInput = z.input<typeof listProductsInput>;

// Every sort ends on id so rows with equal keys keep one order across pages (no overlaps, no gaps).
const ORDER_BY: Record<ProductSort, Prisma.ProductOrderByWithRelationInput[]> = {
  newest: [{ createdAt: "desc" }, { id: "desc" }],
  "price-asc": [{ price: "asc" }, { id: "asc" }],
  "price-desc": [{ price: "desc" }, { id: "desc" }],
};

/**
 * Prisma sends `contains` as a bound LIKE '%…%' parameter but does not escape LIKE's own wildcards, so "50%" would
 * also match "500". Backslash is MySQL's default LIKE escape character (our sql_mode keeps it).
 */
export function escapeLikePattern(text: string) {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * One page of the storefront catalog, optionally narrowed to a category and a name search. Discontinued products
 * never appear; sold-out ones stay listed (with a badge) so shoppers see what they missed. The name search is a
 * LIKE scan, which is fine for a catalog of hundreds to a few thousand rows; the collation makes it case-insensitive.
 */
export async function listProducts(deps: DepsOf<"db">, input: z.output<typeof listProductsInput>) {
  const where: Prisma.ProductWhereInput = {
    status: { in: LISTED_STATUSES },
    ...(input.category ? { category: { slug: input.category } } : {}),
    ...(input.query ? { name: { contains: escapeLikePattern(input.query) } } : {}),
  };
  const [items, total] = await Promise.all([
    deps.db.product.findMany({
      where,
      orderBy: ORDER_BY[input.sort],
      skip: (input.page - 1) * input.pageSize,
      take: input.pageSize,
      select: productCardSelect,
    }),
    deps.db.product.count({ where }),
  ]);
  return { items, total, page: input.page, pageSize: input.pageSize, pageCount: Math.max(1, Math.ceil(total / input.pageSize)) };
}
