import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { idField } from "~/server/domain/input-rules.ts";
import { productDetailSelect } from "~/server/domain/products/select.ts";

export const getProductInput = z.object({ id: idField() });
export type GetProductInput = z.infer<typeof getProductInput>;

/** Discontinued products answer exactly like missing ones: their pages are gone. */
export async function getProduct(deps: DepsOf<"db">, input: GetProductInput) {
  const product = await deps.db.product.findFirst({
    where: { id: input.id, status: { not: "DISCONTINUED" } },
    select: productDetailSelect,
  });
  if (!product) throw new DomainError("NOT_FOUND", "상품을 찾을 수 없습니다.");
  return product;
}
