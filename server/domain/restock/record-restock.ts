import { randomUUID } from "node:crypto";

import { productRestocked, saleUnitsReturned } from "~/server/domain/events.ts";
import { enqueueEvent } from "~/server/domain/outbox/enqueue-event.ts";
import type { Prisma } from "~/server/generated/prisma/client.ts";
import type { ProductStatus } from "~/server/generated/prisma/enums.ts";

type Tx = Prisma.TransactionClient;

/** A product a shopper can put in an order right now; the product page shows "품절" (and the alert button) otherwise. */
export function isProductBuyable(product: { status: ProductStatus; stock: number }) {
  return product.status === "AVAILABLE" && product.stock > 0;
}

/**
 * Called inside the transaction that made a product buyable again (it was not before): the restock alert event
 * commits with the stock change or not at all. Only the ids travel; the handler reads everything else when it runs.
 */
export async function recordProductRestock(tx: Tx, productId: number) {
  await enqueueEvent(tx, productRestocked, { restockId: randomUUID(), productId });
}

/**
 * Called inside the transaction that gives a sale order's unit back (hold expired, order cancelled or returned). Redis
 * gets the unit right after the commit; whether it is still buyable when the handler runs is the handler's check, so
 * a unit that a waiting buyer takes at once never triggers a mail.
 */
export async function recordSaleUnitsReturned(tx: Tx, saleId: number) {
  await enqueueEvent(tx, saleUnitsReturned, { restockId: randomUUID(), saleId });
}
