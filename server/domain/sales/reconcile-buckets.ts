import type { DepsOf } from "~/server/deps.ts";
import { bucketStatesFromDb, readBucketLedgers, rebuildSaleBuckets, takeAllotmentLock } from "~/server/domain/sales/bucketed-sale-state.ts";
import { saleBucketKeys } from "~/server/domain/sales/keys.ts";
import { applyDriftFixes, computeDrift, driftSize, readRedisState, stableDrift, type BucketsReconciliation, type Drift, type SaleReconciliation } from "~/server/domain/sales/reconcile-sale.ts";
import { computeSaleStateFromDb } from "~/server/domain/sales/sale-state.ts";
import { receiveUnitsScript, topUpAllotmentScript, type BucketLedgerReply } from "~/server/domain/sales/scripts.ts";
import { logger } from "~/server/logger.ts";

type Deps = DepsOf<"db" | "redis" | "clock" | "saleEngine">;
type LiveLedger = Extract<BucketLedgerReply, { isMissing: false }>;

/**
 * A journaled transfer younger than this may still be on its way (the reserving request gives, then receives, one
 * round trip apart); older ones are finished here.
 */
export const TRANSFER_SETTLE_MS = 3_000;

/**
 * reconcileSale for a sale split into K > 1 stock buckets (sale-buckets.ts). On top of the unsplit sale's checks,
 * done per bucket with the orders of the buyers who hash to it, it keeps the units' ledger whole:
 * 1. rebuilds lost buckets (bucketed-sale-state.ts, never over-counting free units);
 * 2. finishes transfers a crash left journaled but not received (idempotent: the receiver's `xferIn`), and trims
 *    the donors' journal of the finished ones;
 * 3. checks Σ allotments + units in transit == quantity, and tops a deficit (stranded units) up into the bucket
 *    with the fewest free units, under the home rebuild lock. The buckets are read one after another, which can only
 *    count a moving unit twice, so a deficit measured here is real. A surplus (only possible if a bucket was rebuilt
 *    while a transfer out of it was still being received) is reported, not taken back.
 */
export async function reconcileBucketedSale(deps: Deps, saleId: number, stockBuckets: number, options: { repair?: boolean; settleMs?: number }): Promise<SaleReconciliation> {
  const repair = options.repair ?? true;
  let rebuilt = false;
  if ((await readBucketLedgers(deps, saleId, stockBuckets)).some((ledger) => ledger.isMissing)) {
    rebuilt = (await rebuildSaleBuckets(deps, saleId, stockBuckets)).rebuilt;
  }
  const transfersCompleted = repair ? await finishStuckTransfers(deps, saleId, stockBuckets) : 0;

  const first = await measureBucketDrift(deps, saleId, stockBuckets);
  const drift = first.drifts.reduce((sum, bucketDrift) => sum + driftSize(bucketDrift), 0);
  let repaired = 0;
  if (repair && drift > 0) {
    await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? 300));
    const second = await measureBucketDrift(deps, saleId, stockBuckets);
    for (let bucket = 0; bucket < stockBuckets; bucket += 1) {
      const before = first.drifts[bucket];
      const after = second.drifts[bucket];
      if (!before || !after) continue;
      const fixes = stableDrift(before, after);
      if (driftSize(fixes) === 0) continue;
      repaired += driftSize(fixes);
      await applyDriftFixes(deps, saleBucketKeys(saleId, bucket, stockBuckets), fixes, { saleId, bucket });
    }
  }

  const toppedUp = repair ? await topUpStrandedUnits(deps, saleId, stockBuckets, first.state.meta.quantity) : 0;
  const ledgers = await readBucketLedgers(deps, saleId, stockBuckets);
  const live = ledgers.filter((ledger): ledger is LiveLedger => !ledger.isMissing);
  const inTransit = unitsInTransit(ledgers);
  const buckets: BucketsReconciliation = {
    stockBuckets,
    perBucket: live.map(({ quantity, sold, held }) => ({ quantity, sold, held })),
    inTransit,
    transfersCompleted,
    toppedUp,
  };
  const { state } = first;
  const redisView =
    live.length === stockBuckets
      ? {
          sold: sum(live.map((ledger) => ledger.sold)),
          held: sum(live.map((ledger) => ledger.held)),
          available: sum(live.map((ledger) => Math.max(0, ledger.quantity - ledger.sold - ledger.held))),
        }
      : null;
  return {
    saleId,
    quantity: state.meta.quantity,
    mysql: { sold: state.meta.sold, held: state.holds.length, soldCountColumn: state.soldCountColumn },
    redis: redisView,
    drift,
    repaired,
    rebuilt,
    // Units in transit belong to no bucket yet; every other unit is sold, held or available in exactly one.
    isInvariantHeld: redisView ? redisView.sold + redisView.held + redisView.available + inTransit === state.meta.quantity : false,
    buckets,
  };
}

function sum(values: number[]) {
  return values.reduce((total, value) => total + value, 0);
}

async function measureBucketDrift(deps: Deps, saleId: number, stockBuckets: number) {
  const nowMs = deps.clock.now().getTime();
  const state = await computeSaleStateFromDb(deps, saleId);
  const fromDb = bucketStatesFromDb(state, stockBuckets, nowMs);
  const drifts = await Promise.all(
    fromDb.map(async (own, bucket): Promise<Drift | null> => {
      const redis = await readRedisState(deps.redis, saleBucketKeys(saleId, bucket, stockBuckets));
      if (!redis) return null;
      return computeDrift({ sold: own.sold, holdMs: state.meta.holdMs, holds: own.holds, userUnits: own.userUnits }, redis, nowMs);
    }),
  );
  return { state, drifts };
}

/** Units journaled by a live donor and not (yet) in their live receiver's `xferIn`. */
function unitsInTransit(ledgers: BucketLedgerReply[]) {
  let units = 0;
  for (const ledger of ledgers) {
    if (ledger.isMissing) continue;
    for (const [transferId, toBucket, given] of ledger.given) {
      const receiver = ledgers[toBucket];
      if (receiver && !receiver.isMissing && !receiver.received.has(transferId)) units += given;
    }
  }
  return units;
}

/**
 * Applies every settled journaled transfer to its receiver (once: the receiver's `xferIn` remembers every transfer it
 * applied, for as long as its keys live), then drops the donor's journal entry. Under the home rebuild lock, so two
 * passes, or a pass and a rebuild, never act on the same reading. Returns how many transfers this pass had to finish
 * itself (0 while another pass holds the lock).
 */
async function finishStuckTransfers(deps: Deps, saleId: number, stockBuckets: number) {
  const release = await takeAllotmentLock(deps, saleId);
  if (!release) return 0;
  try {
    const nowMs = deps.clock.now().getTime();
    const ledgers = await readBucketLedgers(deps, saleId, stockBuckets);
    let completed = 0;
    for (const [donor, ledger] of ledgers.entries()) {
      if (ledger.isMissing) continue;
      for (const [transferId, toBucket, units, givenAtMs] of ledger.given) {
        if (nowMs - givenAtMs < TRANSFER_SETTLE_MS || toBucket >= stockBuckets) continue;
        const receiver = saleBucketKeys(saleId, toBucket, stockBuckets);
        const applied = await deps.saleEngine.run(receiveUnitsScript, { keys: { meta: receiver.meta, xferIn: receiver.xferIn }, args: { transferId, units } });
        // Receiver lost: its rebuild counts these units (and marks the transfer received) — leave the entry for it.
        if (applied < 0) continue;
        if (applied === 1) {
          completed += 1;
          logger.warn({ saleId, transferId, donor, toBucket, units }, "stranded stock transfer finished by reconcile");
        }
        await deps.redis.hdel(saleBucketKeys(saleId, donor, stockBuckets).xferOut, transferId);
      }
    }
    return completed;
  } finally {
    await release();
  }
}

/** Σ allotments + in transit below the quantity: the missing units go to the bucket with the fewest free units. */
async function topUpStrandedUnits(deps: Deps, saleId: number, stockBuckets: number, quantity: number) {
  const release = await takeAllotmentLock(deps, saleId);
  // A rebuild is running: it hands out the free units itself; the next pass checks again.
  if (!release) return 0;
  try {
    const ledgers = await readBucketLedgers(deps, saleId, stockBuckets);
    if (ledgers.some((ledger) => ledger.isMissing)) return 0;
    const live = ledgers as LiveLedger[];
    const counted = sum(live.map((ledger) => ledger.quantity)) + unitsInTransit(ledgers);
    if (counted > quantity) logger.warn({ saleId, surplus: counted - quantity }, "stock bucket allotments exceed the quantity; MySQL's sold counter still guards payment");
    const deficit = quantity - counted;
    if (deficit <= 0) return 0;
    let emptiest = 0;
    const freeOf = (ledger: LiveLedger) => ledger.quantity - ledger.sold - ledger.held;
    live.forEach((ledger, bucket) => {
      if (freeOf(ledger) < freeOf(live[emptiest]!)) emptiest = bucket;
    });
    const keys = saleBucketKeys(saleId, emptiest, stockBuckets);
    if ((await deps.saleEngine.run(topUpAllotmentScript, { keys: { meta: keys.meta }, args: { units: deficit } })) < 0) return 0;
    logger.warn({ saleId, bucket: emptiest, units: deficit }, "stranded stock units given back to a bucket");
    return deficit;
  } finally {
    await release();
  }
}
