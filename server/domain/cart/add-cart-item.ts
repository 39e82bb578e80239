import { z } from "zod";

import type { Db } from "~/server/db.ts";
import type { DepsOf } from "~/server/deps.ts";
import { assertCanAddToCart, maxCartQuantity, quantityLimitError } from "~/server/domain/cart/cart-rules.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { orderQuantityField, productIdField } from "~/server/domain/input-rules.ts";

export const addCartItemInput = z.object({ productId: productIdField, quantity: orderQuantityField });
export type AddCartItemInput = z.infer<typeof addCartItemInput>;

// Each round either changes the cart or learns that another request did; a handful is plenty even under a burst.
const MAX_ATTEMPTS = 5;

/**
 * Adds to the shopper's line for this product, creating it if needed. The unique (userId, productId) keeps one line
 * per product, and the quantity only ever grows inside a single conditional UPDATE (`quantity <= limit - n`), so
 * parallel adds cannot lose an increment or push the line past min(stock, per-order maximum): each one either
 * lands whole or is refused. Stock is read without a lock on purpose: a cart is not a reservation, and checkout
 * checks stock again atomically.
 */
export async function addCartItem(deps: DepsOf<"db">, input: AddCartItemInput & { userId: string }) {
  const { db } = deps;
  const { userId, productId, quantity } = input;

  const product = await db.product.findFirst({
    where: { id: productId, status: { not: "DISCONTINUED" } },
    select: { status: true, stock: true },
  });
  if (!product) throw new DomainError("NOT_FOUND", "상품을 찾을 수 없습니다.");
  assertCanAddToCart(product);

  const limit = maxCartQuantity(product);
  if (quantity > limit) throw quantityLimitError({ maxQuantity: limit, currentQuantity: 0 });

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    // 1. Grow an existing line, only while the result stays within the limit (decided by the UPDATE itself).
    const grown = await db.cartItem.updateMany({
      where: { userId, productId, quantity: { lte: limit - quantity } },
      data: { quantity: { increment: quantity }, isSelected: true },
    });
    if (grown.count === 1) return readLine(db, userId, productId);

    // 2. No line, or a full one. INSERT IGNORE lets the unique key pick one winner among concurrent creators.
    const created = await db.cartItem.createMany({ data: [{ userId, productId, quantity }], skipDuplicates: true });
    if (created.count === 1) return readLine(db, userId, productId);

    // 3. A line exists. If it is full, refuse; otherwise another request created it just now, so grow it instead.
    const existing = await db.cartItem.findUnique({ where: { userId_productId: { userId, productId } }, select: { quantity: true } });
    if (existing && existing.quantity + quantity > limit) {
      throw quantityLimitError({ maxQuantity: limit, currentQuantity: existing.quantity });
    }
  }
  throw new DomainError("CONFLICT", "장바구니가 동시에 변경되었습니다. 다시 시도해 주세요.");
}

async function readLine(db: Db, userId: string, productId: number) {
  const line = await db.cartItem.findUnique({
    where: { userId_productId: { userId, productId } },
    select: { id: true, productId: true, quantity: true },
  });
  // Only a concurrent removal of the line we just wrote gets here.
  if (!line) throw new DomainError("CONFLICT", "장바구니가 동시에 변경되었습니다. 다시 시도해 주세요.");
  return line;
}
