import { z } from "zod";

import type { Db } from "~/server/db.ts";
import { getSelectedCartLines } from "~/server/domain/cart/get-selected-cart-lines.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { MAX_QUANTITY_PER_ORDER, orderQuantityField, productIdField } from "~/server/domain/input-rules.ts";
import type { Prisma } from "~/server/generated/prisma/client.ts";
import type { ProductStatus } from "~/server/generated/prisma/enums.ts";

/** What is being bought: the ticked cart lines, or one product ("buy now"). Prices never come from the client. */
export const checkoutSourceInput = z.discriminatedUnion("type", [
  z.object({ type: z.literal("cart") }),
  z.object({
    type: z.literal("product"),
    productId: productIdField,
    quantity: orderQuantityField,
  }),
]);
export type CheckoutSource = z.infer<typeof checkoutSourceInput>;

type Client = Db | Prisma.TransactionClient;

export type RequestedLine = { productId: number; quantity: number; cartItemId: number | null };

/** The lines the buyer asked for, in a stable order (cart: newest first, as the cart shows them). */
export async function loadRequestedLines(db: Client, userId: string, source: CheckoutSource): Promise<RequestedLine[]> {
  if (source.type === "product") return [{ productId: source.productId, quantity: source.quantity, cartItemId: null }];
  const cartLines = await getSelectedCartLines({ db }, userId);
  return cartLines.map((line) => ({ productId: line.productId, quantity: line.quantity, cartItemId: line.cartItemId }));
}

export const checkoutProductSelect = {
  id: true,
  name: true,
  price: true,
  stock: true,
  status: true,
  imageUrl: true,
} satisfies Prisma.ProductSelect;
type CheckoutProduct = Prisma.ProductGetPayload<{ select: typeof checkoutProductSelect }>;

export type CheckoutLineIssue = "DISCONTINUED" | "SOLD_OUT" | "INSUFFICIENT_STOCK" | "OVER_LIMIT";

export function checkoutLineIssue(product: { status: ProductStatus; stock: number }, quantity: number): CheckoutLineIssue | null {
  if (product.status === "DISCONTINUED") return "DISCONTINUED";
  if (product.status === "SOLD_OUT" || product.stock <= 0) return "SOLD_OUT";
  if (quantity > MAX_QUANTITY_PER_ORDER) return "OVER_LIMIT";
  if (quantity > product.stock) return "INSUFFICIENT_STOCK";
  return null;
}

/** The error that names the item a checkout cannot take, so the buyer knows exactly what to change. */
export function checkoutLineError(product: { id: number; name: string; stock: number }, issue: CheckoutLineIssue) {
  const details = { productId: product.id, name: product.name, available: Math.max(0, product.stock) };
  switch (issue) {
    case "DISCONTINUED":
      return new DomainError("NOT_FOUND", `'${product.name}' 상품은 판매가 종료되었습니다.`, { details });
    case "SOLD_OUT":
      return new DomainError("SOLD_OUT", `'${product.name}' 상품이 품절되었습니다.`, { details });
    case "INSUFFICIENT_STOCK":
      return new DomainError("SOLD_OUT", `'${product.name}' 상품의 재고가 부족합니다. (남은 수량 ${details.available}개)`, { details });
    case "OVER_LIMIT":
      return new DomainError("CONFLICT", `'${product.name}' 상품은 한 번에 최대 ${MAX_QUANTITY_PER_ORDER}개까지 주문할 수 있습니다.`, { details });
  }
}

export type PricedLine = {
  productId: number;
  cartItemId: number | null;
  name: string;
  imageUrl: string;
  unitPrice: number;
  quantity: number;
  lineTotal: number;
  stock: number;
  issue: CheckoutLineIssue | null;
};

/**
 * Prices each requested line with the product's current price. A product that does not exist (or never could be
 * sold) answers NOT_FOUND, exactly like the product page; other problems are reported per line.
 */
export async function priceRequestedLines(db: Client, lines: RequestedLine[]): Promise<PricedLine[]> {
  const products = await db.product.findMany({ where: { id: { in: lines.map((line) => line.productId) } }, select: checkoutProductSelect });
  const byId = new Map<number, CheckoutProduct>(products.map((product) => [product.id, product]));
  return lines.map((line) => {
    const product = byId.get(line.productId);
    if (!product) throw new DomainError("NOT_FOUND", "상품을 찾을 수 없습니다.", { details: { productId: line.productId } });
    return {
      productId: product.id,
      cartItemId: line.cartItemId,
      name: product.name,
      imageUrl: product.imageUrl,
      unitPrice: product.price,
      quantity: line.quantity,
      lineTotal: product.price * line.quantity,
      stock: product.stock,
      issue: checkoutLineIssue(product, line.quantity),
    };
  });
}
