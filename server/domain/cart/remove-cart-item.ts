import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import { cartItemIdField } from "~/server/domain/cart/cart-rules.ts";
import { DomainError } from "~/server/domain/errors.ts";

export const removeCartItemInput = z.object({ id: cartItemIdField });
export type RemoveCartItemInput = z.infer<typeof removeCartItemInput>;

/** Deletes one of the shopper's lines; the user id in the WHERE makes someone else's line indistinguishable from none. */
export async function removeCartItem(deps: DepsOf<"db">, input: RemoveCartItemInput & { userId: string }) {
  const removed = await deps.db.cartItem.deleteMany({ where: { id: input.id, userId: input.userId } });
  if (removed.count === 0) throw new DomainError("NOT_FOUND", "장바구니 상품을 찾을 수 없습니다.");
  return { id: input.id };
}

