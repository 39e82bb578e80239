import type { DepsOf } from "~/server/deps.ts";
import { saleBucketKeys, saleKeys, type SaleKeys } from "~/server/domain/sales/keys.ts";
import { HOLD_GRACE_MS } from "~/server/domain/sales/sale-config.ts";
import { giveUnitsScript, receiveUnitsScript } from "~/server/domain/sales/scripts.ts";
import { logger } from "~/server/logger.ts";

/**
 * Stock buckets: one hot sale's stock split over K Redis Cluster slots (Sale.stockBuckets, 1–8), so its reservations
 * spread over K primaries instead of one core.
 *
 * - Bucket 0 is the sale's own `{sale:<id>}` keys; K = 1 is the unsplit sale, same keys, same scripts, no transfers.
 * - A buyer always lands in bucket `bucketOfUser(userId, K)`, so the per-user limit, idempotent repeats and the
 *   same-session duplicate answer stay exact inside one bucket. The per-IP reserve limit counts per bucket, so one
 *   IP may make up to K × the limit across a split sale.
 * - Each bucket's meta carries its own allotment (`quantity`) and `sold`; the sale-wide rules are copied into every
 *   bucket. A bucket that runs dry asks the others for units (moveUnitsInto): a donor gives half its free units in
 *   one script and journals it, the receiver applies the transfer once. A crash between the two strands units in
 *   the journal (the sale under-sells for a moment, never over-sells) until reconcile finishes the transfer.
 * - MySQL's guarded Sale.soldCount stays the final guard at payment, across all buckets.
 * - The waiting room is refused with K > 1: admission already paces the reserve attempts, so one slot suffices, and
 *   its admitted-pass set lives in the home slot, which another bucket's script cannot read atomically.
 */

/** FNV-1a over the user id: stable across processes and versions, unlike any runtime's string hash. */
export function bucketOfUser(userId: string, stockBuckets: number): number {
  if (stockBuckets <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let index = 0; index < userId.length; index += 1) {
    hash ^= userId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % stockBuckets;
}

/** The keys of the bucket a buyer's holds live in. */
export function buyerBucketKeys(saleId: number, userId: string, stockBuckets: number): SaleKeys {
  return saleBucketKeys(saleId, bucketOfUser(userId, stockBuckets), stockBuckets);
}

/** Every bucket's keys, bucket 0 first. */
export function allBucketKeys(saleId: number, stockBuckets: number): SaleKeys[] {
  return Array.from({ length: stockBuckets }, (_, bucket) => saleBucketKeys(saleId, bucket, stockBuckets));
}

/** `total` units split over `buckets`: floor(total / n) each, the first (total mod n) one more. */
export function splitEvenly(total: number, buckets: number): number[] {
  const base = Math.floor(total / buckets);
  return Array.from({ length: buckets }, (_, index) => base + (index < total % buckets ? 1 : 0));
}

/**
 * The sale's K through the sale engine's cache (a few seconds on the caller's clock): the hot path needs it before
 * its one script call, and it changes only while the sale is scheduled (manage-sales.ts). Read from the home meta's
 * `stockBuckets` field (every load from MySQL writes it), so a reservation still needs only Redis; MySQL is asked
 * when the home meta or the field is missing. An unknown sale counts as unsplit: the unsplit path then reports it
 * as it always did.
 */
export function saleStockBuckets(deps: DepsOf<"db" | "redis" | "clock" | "saleEngine">, saleId: number): Promise<number> {
  return deps.saleEngine.caches.stockBuckets.get(saleId, deps.clock.now().getTime(), async () => {
    const stockBuckets = Number(await deps.redis.hget(saleKeys(saleId).meta, "stockBuckets"));
    if (Number.isInteger(stockBuckets) && stockBuckets >= 1) return stockBuckets;
    const sale = await deps.db.sale.findUnique({ where: { id: saleId }, select: { stockBuckets: true } });
    return sale?.stockBuckets ?? 1;
  });
}

function newTransferId() {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 20);
}

/**
 * Asks the other buckets, in an order that starts at a random one, for units until one gives some, and hands them
 * to `toBucket`. Replies the units moved (0: no other bucket had a free unit) and whether some asked bucket still had
 * a transfer out in its journal (`isMoving`: units in transit are in no bucket, so the caller should look again
 * rather than answer sold out). Give and receive are two scripts on two slots; the give is journaled first and the
 * entry is dropped only once received, so a failure in between leaves the units in transit for reconcile to finish
 * (reconcile-buckets.ts), never in two places.
 */
export async function moveUnitsInto(deps: DepsOf<"redis" | "clock" | "saleEngine">, input: { saleId: number; stockBuckets: number; toBucket: number }) {
  const { saleId, stockBuckets, toBucket } = input;
  const start = Math.floor(Math.random() * stockBuckets);
  let isMoving = false;
  for (let step = 0; step < stockBuckets; step += 1) {
    const donor = (start + step) % stockBuckets;
    if (donor === toBucket) continue;
    const donorKeys = saleBucketKeys(saleId, donor, stockBuckets);
    const transferId = newTransferId();
    const units = await deps.saleEngine.run(giveUnitsScript, {
      keys: { meta: donorKeys.meta, holds: donorKeys.holds, xferOut: donorKeys.xferOut },
      args: { nowMs: deps.clock.now().getTime(), graceMs: HOLD_GRACE_MS, transferId, toBucket },
    });
    if (units === -2) isMoving = true;
    if (units <= 0) continue;
    const receiverKeys = saleBucketKeys(saleId, toBucket, stockBuckets);
    try {
      const received = await deps.saleEngine.run(receiveUnitsScript, { keys: { meta: receiverKeys.meta, xferIn: receiverKeys.xferIn }, args: { transferId, units } });
      if (received < 0) {
        logger.warn({ saleId, transferId, donor, toBucket, units }, "stock transfer left in transit: the receiving bucket's keys are gone");
        return { units: 0, isMoving: true };
      }
      // Received (xferIn remembers it): the journal entry is done. If this fails, reconcile drops it later.
      await deps.redis.hdel(donorKeys.xferOut, transferId).catch((error: unknown) => logger.warn({ saleId, transferId, err: error }, "stock transfer journal entry not dropped"));
    } catch (error) {
      logger.warn({ saleId, transferId, donor, toBucket, units, err: error }, "stock transfer left in transit; reconcile finishes it");
      return { units: 0, isMoving: true };
    }
    return { units, isMoving };
  }
  return { units: 0, isMoving };
}
