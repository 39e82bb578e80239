import { DomainError } from "~/server/domain/errors.ts";
import { idField, MAX_QUANTITY_PER_ORDER } from "~/server/domain/input-rules.ts";
import type { ProductStatus } from "~/server/generated/prisma/enums.ts";

export const cartItemIdField = idField("장바구니 상품을 선택해 주세요.");

type ProductStock = { status: ProductStatus; stock: number };

/** Why a line cannot be bought as it stands, or null when it can. */
export type CartLineIssue = "DISCONTINUED" | "SOLD_OUT" | "INSUFFICIENT_STOCK" | "OVER_LIMIT";

/** The most one cart line (and so one order) may hold of this product right now. */
export function maxCartQuantity(product: ProductStock) {
  return Math.max(0, Math.min(product.stock, MAX_QUANTITY_PER_ORDER));
}

export function cartLineIssue(product: ProductStock, quantity: number): CartLineIssue | null {
  if (product.status === "DISCONTINUED") return "DISCONTINUED";
  if (product.status === "SOLD_OUT" || product.stock <= 0) return "SOLD_OUT";
  if (quantity > product.stock) return "INSUFFICIENT_STOCK";
  if (quantity > MAX_QUANTITY_PER_ORDER) return "OVER_LIMIT";
  return null;
}

/** Refuses a product that cannot be put in a cart at all. */
export function assertCanAddToCart(product: ProductStock) {
  if (product.status === "DISCONTINUED") throw new DomainError("CONFLICT", "판매가 종료된 상품입니다.");
  if (product.status === "SOLD_OUT" || product.stock <= 0) throw new DomainError("SOLD_OUT", "품절된 상품입니다.");
}

/** The one message for "that many is not possible", naming the limit so the shopper knows what to pick instead. */
export function quantityLimitError(options: { maxQuantity: number; currentQuantity: number }) {
  const { maxQuantity, currentQuantity } = options;
  const message =
    currentQuantity > 0
      ? `장바구니에 이미 ${currentQuantity}개가 담겨 있습니다. 이 상품은 최대 ${maxQuantity}개까지 담을 수 있습니다.`
      : `이 상품은 최대 ${maxQuantity}개까지 담을 수 있습니다.`;
  return new DomainError("CONFLICT", message, { details: { maxQuantity, currentQuantity } });
}
