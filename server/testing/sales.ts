import type { Redis } from "@upstash/redis";

import type { Db } from "~/server/db.ts";
import { saleKeys } from "~/server/domain/sales/keys.ts";
import type { PurchaseSession } from "~/server/domain/sales/purchase-token.ts";

/** Deletes everything a test sale created, in dependency order, plus its Redis keys. Test-only. */
export async function deleteSaleCompletely(deps: { db: Db; redis: Redis }, saleId: number) {
  const orders = await deps.db.order.findMany({ where: { saleId }, select: { id: true } });
  const orderIds = orders.map((order) => order.id);
  await deps.db.payment.deleteMany({ where: { orderId: { in: orderIds } } });
  await deps.db.orderItem.deleteMany({ where: { orderId: { in: orderIds } } });
  await deps.db.order.deleteMany({ where: { id: { in: orderIds } } });
  await deps.db.saleSubscription.deleteMany({ where: { saleId } });
  const sale = await deps.db.sale.delete({ where: { id: saleId }, select: { productId: true } });
  await deps.db.product.delete({ where: { id: sale.productId } }).catch(() => undefined);
  const keys = saleKeys(saleId);
  await deps.redis.del(keys.meta, keys.holds, keys.holders, keys.users, keys.idempotency, keys.settled);
}

/**
 * The session a purchase token names, as a fresh login of a factory user would have it (User.sessionVersion 0, logged
 * in now), for tests and scripts that mint purchase tokens directly instead of through `sale.purchaseToken`.
 */
export function freshPurchaseSession(): PurchaseSession {
  return { sessionId: crypto.randomUUID(), sessionVersion: 0, authAt: Math.floor(Date.now() / 1000) };
}
