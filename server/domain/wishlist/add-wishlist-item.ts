import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { productIdField } from "~/server/domain/input-rules.ts";

export const wishlistProductInput = z.object({ productId: productIdField });
export type WishlistProductInput = z.infer<typeof wishlistProductInput>;

/**
 * Hearts a product. Idempotent: INSERT IGNORE on the unique (userId, productId), so double clicks and parallel
 * requests leave exactly one row. Sold-out products may be hearted (to watch for a restock); discontinued ones are gone.
 */
export async function addWishlistItem(deps: DepsOf<"db">, input: WishlistProductInput & { userId: string }) {
  const product = await deps.db.product.findFirst({
    where: { id: input.productId, status: { not: "DISCONTINUED" } },
    select: { id: true },
  });
  if (!product) throw new DomainError("NOT_FOUND", "상품을 찾을 수 없습니다.");

  await deps.db.wishlistItem.createMany({ data: [{ userId: input.userId, productId: input.productId }], skipDuplicates: true });
  return { productId: input.productId, isWishlisted: true };
}
