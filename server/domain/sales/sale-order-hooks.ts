
import type { DepsOf } from "~/server/deps.ts";
import { saleKeys } from "~/server/domain/sales/keys.ts";
import { buyerBucketKeys, saleStockBuckets } from "~/server/domain/sales/sale-buckets.ts";
import { markHoldPaidScript, releaseSaleOrderScript } from "~/server/domain/sales/scripts.ts";
import type { Db } from "~/server/db.ts";
import { isPaidOrderStatus, PAID_ORDER_STATUSES } from "~/server/domain/payments/ledger.ts";
import { Prisma } from "~/server/generated/prisma/client.ts";
import { logger } from "~/server/logger.ts";

/**
 * The order lifecycle (server/domain/orders, server/domain/payments) calls these for orders that belong to a flash
 * sale (order.saleId set). A sale order is always exactly one unit.
 *
 * Invariant kept here: Sale.soldCount counts the paid, not-yet-returned sale orders marked soldCountedAt, and can
 * never exceed Sale.quantity. Paying does not touch the Sale row inside its transaction (every winner of a sale pays
 * within seconds, and they would queue on that one row lock); the unit is counted by one statement right after the
 * payment commits, and a due sweep counts any that a crash left uncounted.
 */
type Tx = Prisma.TransactionClient;
type Executor = Db | Tx;

export type SaleUnitCount = "counted" | "counted-last" | "not-countable" | "sale-full";

/**
 * Counts a paid sale order's unit, once: one statement that bumps the counter and marks the order, guarded so MySQL
 * never sells more than the sale's quantity even if Redis were wrong. "sale-full" means the guard refused a paid
 * order: the caller must undo that sale (refund), it can never be kept. "not-countable": already counted, or no
 * longer paid. "counted-last": counted, and it was the unit that sold the sale out (OPEN → SOLD_OUT).
 */
export async function countSaleUnitSold(db: Executor, order: { id: string; saleId: number }, now: Date): Promise<SaleUnitCount> {
  const affected = await db.$executeRaw`
    UPDATE \`Order\` o JOIN \`Sale\` s ON s.\`id\` = o.\`saleId\`
    SET s.\`soldCount\` = s.\`soldCount\` + 1, o.\`soldCountedAt\` = ${now}
    WHERE o.\`id\` = ${order.id} AND o.\`saleId\` = ${order.saleId} AND o.\`soldCountedAt\` IS NULL
      AND o.\`status\` IN (${Prisma.join(PAID_ORDER_STATUSES)}) AND s.\`soldCount\` < s.\`quantity\``;
  if (affected > 0) {
    const soldOut = await db.$executeRaw`UPDATE \`Sale\` SET \`state\` = 'SOLD_OUT' WHERE \`id\` = ${order.saleId} AND \`state\` = 'OPEN' AND \`soldCount\` >= \`quantity\``;
    return soldOut > 0 ? "counted-last" : "counted";
  }
  const current = await db.order.findUnique({ where: { id: order.id }, select: { status: true, soldCountedAt: true } });
  const isStillUncountedAndPaid = current !== null && current.soldCountedAt === null && isPaidOrderStatus(current.status);
  return isStillUncountedAndPaid ? "sale-full" : "not-countable";
}

/**
 * A paid sale unit came back (cancel, return): it is no longer sold. Only a counted unit is uncounted. True when
 * this unit put a sold-out sale back on sale (SOLD_OUT → OPEN).
 */
export async function recordSaleUnitReturned(tx: Tx, order: { id: string; saleId: number }) {
  const affected = await tx.$executeRaw`
    UPDATE \`Order\` o JOIN \`Sale\` s ON s.\`id\` = o.\`saleId\`
    SET s.\`soldCount\` = s.\`soldCount\` - 1, o.\`soldCountedAt\` = NULL
    WHERE o.\`id\` = ${order.id} AND o.\`soldCountedAt\` IS NOT NULL AND s.\`soldCount\` > 0`;
  if (affected === 0) return false;
  const reopened = await tx.$executeRaw`UPDATE \`Sale\` SET \`state\` = 'OPEN' WHERE \`id\` = ${order.saleId} AND \`state\` = 'SOLD_OUT' AND \`soldCount\` < \`quantity\``;
  return reopened > 0;
}

export type SaleOrderChange = "paid" | "released";

/**
 * Called after the transaction above commits, so Redis reflects the change at once (a released unit becomes
 * buyable, a paid hold becomes sold). Both scripts apply once per order, so calling twice is harmless. Best effort:
 * if Redis is unreachable, the next reconciliation repairs it from MySQL.
 */
export async function syncSaleOrderToRedis(deps: DepsOf<"saleEngine" | "db" | "redis" | "clock">, order: { id: string; saleId: number; userId: string }, change: SaleOrderChange) {
  try {
    // A split sale keeps the order in its buyer's bucket (sale-buckets.ts).
    const stockBuckets = await saleStockBuckets(deps, order.saleId);
    const { meta, holds, holders, users, settled } = stockBuckets > 1 ? buyerBucketKeys(order.saleId, order.userId, stockBuckets) : saleKeys(order.saleId);
    const call = { keys: { meta, holds, holders, users, settled }, args: { orderId: order.id, userId: order.userId } };
    await deps.saleEngine.run(change === "paid" ? markHoldPaidScript : releaseSaleOrderScript, call);
  } catch (error) {
    logger.warn({ saleId: order.saleId, orderId: order.id, change, err: error }, "sale state not synced to Redis; reconciliation will repair it");
  }
}
