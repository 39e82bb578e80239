import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import { cartItemIdField } from "~/server/domain/cart/cart-rules.ts";
import { DomainError } from "~/server/domain/errors.ts";

export const setCartItemSelectedInput = z.object({ id: cartItemIdField, isSelected: z.boolean() });
export type SetCartItemSelectedInput = z.infer<typeof setCartItemSelectedInput>;

export const setAllCartItemsSelectedInput = z.object({ isSelected: z.boolean() });
export type SetAllCartItemsSelectedInput = z.infer<typeof setAllCartItemsSelectedInput>;

/** Ticks or unticks one line for checkout. Selection is stored so it survives reloads and other devices. */
export async function setCartItemSelected(deps: DepsOf<"db">, input: SetCartItemSelectedInput & { userId: string }) {
  const updated = await deps.db.cartItem.updateMany({
    where: { id: input.id, userId: input.userId },
    data: { isSelected: input.isSelected },
  });
  if (updated.count === 0) throw new DomainError("NOT_FOUND", "장바구니 상품을 찾을 수 없습니다.");
  return { id: input.id, isSelected: input.isSelected };
}

/** "Select all": every line of the shopper's cart at once. */
export async function setAllCartItemsSelected(deps: DepsOf<"db">, input: SetAllCartItemsSelectedInput & { userId: string }) {
  const updated = await deps.db.cartItem.updateMany({ where: { userId: input.userId }, data: { isSelected: input.isSelected } });
  return { count: updated.count, isSelected: input.isSelected };
}
