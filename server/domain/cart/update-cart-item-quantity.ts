import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import { assertCanAddToCart, cartItemIdField, maxCartQuantity, quantityLimitError } from "~/server/domain/cart/cart-rules.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { orderQuantityField } from "~/server/domain/input-rules.ts";

export const updateCartItemQuantityInput = z.object({ id: cartItemIdField, quantity: orderQuantityField });
export type UpdateCartItemQuantityInput = z.infer<typeof updateCartItemQuantityInput>;

const notFound = () => new DomainError("NOT_FOUND", "장바구니 상품을 찾을 수 없습니다.");

/**
 * Sets a line to an exact quantity. Setting (not adding) is idempotent, so a repeated or concurrent request cannot
 * compound. Someone else's line answers exactly like a missing one.
 */
export async function updateCartItemQuantity(deps: DepsOf<"db">, input: UpdateCartItemQuantityInput & { userId: string }) {
  const line = await deps.db.cartItem.findFirst({
    where: { id: input.id, userId: input.userId },
    select: { product: { select: { status: true, stock: true } } },
  });
  if (!line) throw notFound();
  assertCanAddToCart(line.product);

  const limit = maxCartQuantity(line.product);
  if (input.quantity > limit) throw quantityLimitError({ maxQuantity: limit, currentQuantity: 0 });

  const updated = await deps.db.cartItem.updateMany({
    where: { id: input.id, userId: input.userId },
    data: { quantity: input.quantity },
  });
  if (updated.count === 0) throw notFound();
  return { id: input.id, quantity: input.quantity };
}
