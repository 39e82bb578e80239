import type { Db } from "~/server/db.ts";
import type { DepsOf } from "~/server/deps.ts";
import { saleBucketKeys, saleKeys } from "~/server/domain/sales/keys.ts";
import { reconcileSale } from "~/server/domain/sales/reconcile-sale.ts";
import { saleStockBuckets } from "~/server/domain/sales/sale-buckets.ts";
import { raiseWinCounterScript } from "~/server/domain/sales/scripts.ts";
import { driverErrorKind } from "~/server/domain/sales/write-hold-orders.ts";
import { logger } from "~/server/logger.ts";

/**
 * Redis replication is asynchronous: a replica promoted after its primary died may lack the primary's last wins. Those
 * holds are in MySQL (a win is acknowledged only once its order is committed) but not in Redis, so Redis would sell
 * their units again. Every win carries its bucket's win number, stored with the order under a unique key, and a
 * promoted replica re-issues numbers MySQL already holds: that second order is refused. Its hold then stays in Redis
 * as a stand-in for the lost one, owned by nobody (keep-hold-as-stand-in), so the replica's count of free units heals
 * with every refusal instead of re-offering the unit, and the counter moves one step closer to MySQL's highest number.
 * The buyer is told to try again and may at once. A reconcile puts the lost holds back, then raises the counter; it
 * also removes the stand-ins once they are older than an order write can take (meanwhile the sale under-sells). A buyer whose own hold was lost and who presses
 * again collides on (userId, idempotencyKey) or on the win number in the same way.
 */
export function isLostWinCollision(error: unknown) {
  return driverErrorKind(error) === "UniqueConstraintViolation";
}

// One repair per sale at a time per database client: every refused winner asks for it, one reconcile serves them all.
const repairs = new WeakMap<Db, Map<number, Promise<void>>>();

/** Starts (or joins) a reconcile of the sale after a refused win; resolves when it is done, never rejects. */
export function repairLostWins(deps: DepsOf<"db" | "redis" | "clock" | "saleEngine">, saleId: number): Promise<void> {
  let bySale = repairs.get(deps.db);
  if (!bySale) {
    bySale = new Map();
    repairs.set(deps.db, bySale);
  }
  const running = bySale.get(saleId);
  if (running) return running;
  const repair = reconcileSale(deps, saleId)
    .then(async (result) => {
      // Only now: raised before the lost holds are back, new numbers would no longer collide while their units look free.
      await raiseWinCounters(deps, saleId);
      logger.warn({ saleId, result }, "sale reconciled after a win MySQL already held (Redis lost writes)");
    })
    .catch((error: unknown) => logger.error({ saleId, err: error }, "reconcile after lost wins failed; the due-work reconcile retries"))
    .finally(() => bySale.delete(saleId));
  bySale.set(saleId, repair);
  return repair;
}

/** Each bucket's win counter up to the highest win number MySQL holds for it. */
export async function raiseWinCounters(deps: DepsOf<"db" | "redis" | "clock" | "saleEngine">, saleId: number) {
  const stockBuckets = await saleStockBuckets(deps, saleId);
  const highest = await deps.db.order.groupBy({ by: ["saleWinBucket"], where: { saleId, saleWinSeq: { not: null } }, _max: { saleWinSeq: true } });
  await Promise.all(
    highest.map(({ saleWinBucket, _max }) => {
      const bucket = saleWinBucket ?? 0;
      if (bucket >= stockBuckets || !_max.saleWinSeq) return 0;
      const keys = stockBuckets > 1 ? saleBucketKeys(saleId, bucket, stockBuckets) : saleKeys(saleId);
      return deps.saleEngine.run(raiseWinCounterScript, { keys: { meta: keys.meta }, args: { wins: _max.saleWinSeq } });
    }),
  );
}
