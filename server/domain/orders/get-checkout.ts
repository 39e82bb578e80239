import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import { listAddresses } from "~/server/domain/accounts/list-addresses.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { checkoutSourceInput, loadRequestedLines, priceRequestedLines } from "~/server/domain/orders/checkout-lines.ts";

export const getCheckoutInput = z.object({ source: checkoutSourceInput });
export type GetCheckoutInput = z.infer<typeof getCheckoutInput>;

/** Shipping is free in this shop; kept explicit so the summary and the order total agree by construction. */
export const SHIPPING_FEE = 0;

/**
 * The order summary before placing it: lines priced on the server right now, each with what would stop it
 * (sold out, not enough stock, over the per-order limit), and the buyer's saved addresses.
 */
export async function getCheckout(deps: DepsOf<"db" | "config">, input: GetCheckoutInput & { userId: string }) {
  const requested = await loadRequestedLines(deps.db, input.userId, input.source);
  const lines = requested.length > 0 ? await priceRequestedLines(deps.db, requested) : [];
  if (input.source.type === "product" && lines[0]?.issue === "DISCONTINUED") {
    throw new DomainError("NOT_FOUND", "상품을 찾을 수 없습니다.", { details: { productId: input.source.productId } });
  }

  const itemsTotal = lines.reduce((sum, line) => sum + line.lineTotal, 0);
  return {
    lines,
    itemsTotal,
    shippingFee: SHIPPING_FEE,
    totalAmount: itemsTotal + SHIPPING_FEE,
    canPlaceOrder: lines.length > 0 && lines.every((line) => line.issue === null),
    addresses: await listAddresses(deps, { userId: input.userId }),
    paymentWindowMinutes: Math.round(deps.config.orderTimings.paymentWindowMs / 60_000),
  };
}
