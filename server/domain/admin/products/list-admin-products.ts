import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import { PRODUCT_STATUSES } from "~/server/domain/admin/products/product-fields.ts";
import { adminProductRowSelect } from "~/server/domain/admin/products/select.ts";
import { escapeLikePattern } from "~/server/domain/products/list-products.ts";
import type { Prisma } from "~/server/generated/prisma/client.ts";

export const ADMIN_PRODUCT_PAGE_SIZE = 20;

export const listAdminProductsInput = z.object({
  page: z.number().int().min(1).max(10_000).default(1),
  /** Part of the name, or a product id ("#12" or "12"). */
  query: z.string().trim().max(100).optional(),
  status: z.enum(PRODUCT_STATUSES).optional(),
});
export type ListAdminProductsInput = z.input<typeof listAdminProductsInput>;

function searchWhere(query: string | undefined): Prisma.ProductWhereInput {
  if (!query) return {};
  const idMatch = /^#?(\d{1,9})$/.exec(query);
  const byName: Prisma.ProductWhereInput = { name: { contains: escapeLikePattern(query) } };
  return idMatch ? { OR: [{ id: Number(idMatch[1]) }, byName] } : byName;
}

/** Every product, discontinued ones included, newest first (id breaks ties so pages never overlap). */
export async function listAdminProducts(deps: DepsOf<"db">, input: z.output<typeof listAdminProductsInput>) {
  const where: Prisma.ProductWhereInput = { ...searchWhere(input.query), ...(input.status ? { status: input.status } : {}) };
  const [items, total] = await Promise.all([
    deps.db.product.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (input.page - 1) * ADMIN_PRODUCT_PAGE_SIZE,
      take: ADMIN_PRODUCT_PAGE_SIZE,
      select: adminProductRowSelect,
    }),
    deps.db.product.count({ where }),
  ]);
  return { items, total, page: input.page, pageCount: Math.max(1, Math.ceil(total / ADMIN_PRODUCT_PAGE_SIZE)) };
}
