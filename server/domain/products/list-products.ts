import { z } from "zod";

import type { Db } from "~/server/db.ts";
import type { ProductStatus } from "~/server/generated/prisma/enums.ts";
import { productCardSelect } from "~/server/domain/products/select.ts";

const LISTED_STATUSES: ProductStatus[] = ["AVAILABLE", "SOLD_OUT"];

export const PAGE_SIZES = [12, 24, 48] as const;

export const listProductsInput = z.object({
  page: z.number().int().min(1).max(10_000).default(1),
  pageSize: z.union(PAGE_SIZES.map((size) => z.literal(size))).default(12),
});
export type ListProductsInput = z.input<typeof listProductsInput>;

/**
 * One page of the storefront catalog. Discontinued products never appear; sold-out ones stay listed (with a badge)
 * so shoppers see what they missed. Order is newest first with id as a tie-breaker so pages never overlap.
 */
export async function listProducts(deps: { db: Db }, input: z.output<typeof listProductsInput>) {
  const where = { status: { in: LISTED_STATUSES } };
  const [items, total] = await Promise.all([
    deps.db.product.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (input.page - 1) * input.pageSize,
      take: input.pageSize,
      select: productCardSelect,
    }),
    deps.db.product.count({ where }),
  ]);
  return { items, total, page: input.page, pageSize: input.pageSize, pageCount: Math.max(1, Math.ceil(total / input.pageSize)) };
}
