import type { Redis } from "@upstash/redis";

import { DomainError } from "~/server/domain/errors.ts";
import { saleKeys, saleScriptKeys } from "~/server/domain/sales/keys.ts";
import { MARK_HOLD_PAID_LUA, RELEASE_SALE_ORDER_LUA, runSaleScript } from "~/server/domain/sales/scripts.ts";
import type { Prisma } from "~/server/generated/prisma/client.ts";
import { logger } from "~/server/logger.ts";

/**
 * The order lifecycle (server/domain/orders) calls these for orders that belong to a flash sale (order.saleId set),
 * inside the same transaction as the status change. A sale order is always exactly one unit.
 *
 * Invariant kept here: Sale.soldCount counts paid, not-yet-returned sale orders and can never exceed Sale.quantity.
 */
type Tx = Prisma.TransactionClient;

/** Counts the unit as sold. The guarded update makes overselling impossible even if Redis and MySQL disagree. */
export async function recordSaleUnitSold(tx: Tx, order: { id: string; saleId: number }) {
  const affected = await tx.$executeRaw`UPDATE \`Sale\` SET \`soldCount\` = \`soldCount\` + 1 WHERE \`id\` = ${order.saleId} AND \`soldCount\` < \`quantity\``;
  if (affected !== 1) throw new DomainError("SOLD_OUT", "판매 수량이 모두 소진되었습니다.");
  await tx.$executeRaw`UPDATE \`Sale\` SET \`state\` = 'SOLD_OUT' WHERE \`id\` = ${order.saleId} AND \`state\` = 'OPEN' AND \`soldCount\` >= \`quantity\``;
}

/** A paid sale unit came back (cancel, return): it is no longer sold. Unpaid holds were never counted. */
export async function recordSaleUnitReturned(tx: Tx, order: { id: string; saleId: number; wasPaid: boolean }) {
  if (!order.wasPaid) return;
  await tx.$executeRaw`UPDATE \`Sale\` SET \`soldCount\` = \`soldCount\` - 1 WHERE \`id\` = ${order.saleId} AND \`soldCount\` > 0`;
  await tx.$executeRaw`UPDATE \`Sale\` SET \`state\` = 'OPEN' WHERE \`id\` = ${order.saleId} AND \`state\` = 'SOLD_OUT' AND \`soldCount\` < \`quantity\``;
}

export type SaleOrderChange = "paid" | "released";

/**
 * Called after the transaction above commits, so Redis reflects the change at once (a released unit becomes
 * buyable, a paid hold becomes sold). Both scripts apply once per order, so calling twice is harmless. Best effort:
 * if Redis is unreachable, the next reconciliation repairs it from MySQL.
 */
export async function syncSaleOrderToRedis(deps: { redis: Redis }, order: { id: string; saleId: number; userId: string }, change: SaleOrderChange) {
  const script = change === "paid" ? MARK_HOLD_PAID_LUA : RELEASE_SALE_ORDER_LUA;
  try {
    await runSaleScript(deps.redis, script, saleScriptKeys(saleKeys(order.saleId)), [order.id, order.userId]);
  } catch (error) {
    logger.warn({ saleId: order.saleId, orderId: order.id, change, err: error }, "sale state not synced to Redis; reconciliation will repair it");
  }
}
