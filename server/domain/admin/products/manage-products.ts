import type { z } from "zod";

import type { Db } from "~/server/db.ts";
import type { DepsOf } from "~/server/deps.ts";
import { productFields, productIdInput } from "~/server/domain/admin/products/product-fields.ts";
import { adminProductSelect } from "~/server/domain/admin/products/select.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { productChangedTags } from "~/server/domain/public-pages.ts";
import { isProductBuyable, recordProductRestock } from "~/server/domain/restock/record-restock.ts";
import type { ProductStatus } from "~/server/generated/prisma/enums.ts";

export const createProductInput = productFields;
export type CreateProductInput = z.infer<typeof createProductInput>;

export const updateProductInput = productIdInput.extend({ data: productFields.partial() });
export type UpdateProductInput = z.infer<typeof updateProductInput>;

async function assertCategoryExists(db: Db, categoryId: number | undefined) {
  if (categoryId === undefined) return;
  const category = await db.category.findUnique({ where: { id: categoryId }, select: { id: true } });
  if (!category) throw new DomainError("INVALID_INPUT", "존재하지 않는 카테고리입니다.");
}

export async function getAdminProduct(deps: DepsOf<"db">, input: z.infer<typeof productIdInput>) {
  const product = await deps.db.product.findUnique({ where: { id: input.id }, select: adminProductSelect });
  if (!product) throw new DomainError("NOT_FOUND", "상품을 찾을 수 없습니다.");
  return product;
}

export async function createProduct(deps: DepsOf<"db" | "invalidatePublicPages">, input: CreateProductInput) {
  await assertCategoryExists(deps.db, input.categoryId);
  const product = await deps.db.product.create({ data: input, select: adminProductSelect });
  deps.invalidatePublicPages(productChangedTags(product.id));
  return product;
}

/**
 * Edits what the admin changed. Stock is set, not adjusted: the form shows the current figure and the admin types
 * the new one. Orders keep the name and price they were placed with (OrderItem copies them). Putting a sold-out
 * product back on sale records a restock event for its restock alerts, in the same transaction.
 */
export async function updateProduct(deps: DepsOf<"db" | "invalidatePublicPages">, input: UpdateProductInput) {
  await assertCategoryExists(deps.db, input.data.categoryId);
  await deps.db.$transaction(async (tx) => {
    // Locked, so a concurrent order release cannot slip between "was it sold out?" and the edit.
    const [before] = await tx.$queryRaw<Array<{ stock: number; status: ProductStatus }>>`SELECT \`stock\`, \`status\` FROM \`Product\` WHERE \`id\` = ${input.id} FOR UPDATE`;
    if (!before) throw new DomainError("NOT_FOUND", "상품을 찾을 수 없습니다.");
    const after = await tx.product.update({ where: { id: input.id }, data: input.data, select: { stock: true, status: true } });
    // Back on sale (stock from 0, or the status from 품절): the restock alerts go out once this commits.
    if (!isProductBuyable(before) && isProductBuyable(after)) await recordProductRestock(tx, input.id);
  });
  deps.invalidatePublicPages(productChangedTags(input.id));
  return getAdminProduct(deps, { id: input.id });
}

/**
 * Takes a product off the shop for good: its page answers 404 and it leaves listings, but rows that reference it
 * (orders, past sales) stay intact. Repeating it is harmless.
 */
export async function discontinueProduct(deps: DepsOf<"db" | "invalidatePublicPages">, input: z.infer<typeof productIdInput>) {
  const { count } = await deps.db.product.updateMany({ where: { id: input.id }, data: { status: "DISCONTINUED" } });
  if (count === 0) throw new DomainError("NOT_FOUND", "상품을 찾을 수 없습니다.");
  deps.invalidatePublicPages(productChangedTags(input.id));
  return getAdminProduct(deps, { id: input.id });
}
