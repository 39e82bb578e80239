import type { z } from "zod";

import type { Db } from "~/server/db.ts";
import type { DepsOf } from "~/server/deps.ts";
import { productFields, productIdInput } from "~/server/domain/admin/products/product-fields.ts";
import { adminProductSelect } from "~/server/domain/admin/products/select.ts";
import { DomainError } from "~/server/domain/errors.ts";

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

export async function createProduct(deps: DepsOf<"db">, input: CreateProductInput) {
  await assertCategoryExists(deps.db, input.categoryId);
  return deps.db.product.create({ data: input, select: adminProductSelect });
}

/**
 * Edits what the admin changed. Stock is set, not adjusted: the form shows the current figure and the admin types
 * the new one. Orders keep the name and price they were placed with (OrderItem copies them).
 */
export async function updateProduct(deps: DepsOf<"db">, input: UpdateProductInput) {
  await assertCategoryExists(deps.db, input.data.categoryId);
  const { count } = await deps.db.product.updateMany({ where: { id: input.id }, data: input.data });
  if (count === 0) throw new DomainError("NOT_FOUND", "상품을 찾을 수 없습니다.");
  return getAdminProduct(deps, { id: input.id });
}

/**
 * Takes a product off the shop for good: its page answers 404 and it leaves listings, but rows that reference it
 * (orders, past sales) stay intact. Repeating it is harmless.
 */
export async function discontinueProduct(deps: DepsOf<"db">, input: z.infer<typeof productIdInput>) {
  const { count } = await deps.db.product.updateMany({ where: { id: input.id }, data: { status: "DISCONTINUED" } });
  if (count === 0) throw new DomainError("NOT_FOUND", "상품을 찾을 수 없습니다.");
  return getAdminProduct(deps, { id: input.id });
}
