import type { Redis } from "@upstash/redis";

import type { Db } from "~/server/db.ts";
import { saleKeys } from "~/server/domain/sales/keys.ts";

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
