import type { DepsOf } from "~/server/deps.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { saleBucketKeys, saleKeys } from "~/server/domain/sales/keys.ts";
import { restoreQueueFromLog } from "~/server/domain/sales/queue-log.ts";
import { allBucketKeys, bucketOfUser, splitEvenly } from "~/server/domain/sales/sale-buckets.ts";
import { HOLD_GRACE_MS } from "~/server/domain/sales/sale-config.ts";
import { classifySaleOrders, computeSaleStateFromDb, keysTtlSeconds, type SaleLiveStatus } from "~/server/domain/sales/sale-state.ts";
import { loadBucketStateScript, readBucketLedgerScript, readSaleStatusScript, type BucketLedgerReply } from "~/server/domain/sales/scripts.ts";

/**
 * The Redis state of a sale split into K > 1 stock buckets (sale-buckets.ts): rebuild from MySQL, admin refresh, and
 * the live status summed over the buckets. K = 1 never comes here (sale-state.ts keeps its own path).
 */
type Deps = DepsOf<"db" | "redis" | "clock" | "saleEngine">;
type SaleStateFromDb = Awaited<ReturnType<typeof computeSaleStateFromDb>>;

const REBUILD_LOCK_MS = 5_000;

/** MySQL's view of one bucket: the orders of the users who hash to it. */
export function bucketStatesFromDb(state: SaleStateFromDb, stockBuckets: number, nowMs: number) {
  const ordersByBucket = Array.from({ length: stockBuckets }, () => [] as SaleStateFromDb["orders"]);
  for (const order of state.orders) ordersByBucket[bucketOfUser(order.userId, stockBuckets)]!.push(order);
  return ordersByBucket.map((orders) => classifySaleOrders(orders, nowMs));
}

/** Every bucket's ledger (allotment, sold, active holds, transfers), each read atomically, all at once. */
export function readBucketLedgers(deps: DepsOf<"clock" | "saleEngine">, saleId: number, stockBuckets: number): Promise<BucketLedgerReply[]> {
  const nowMs = deps.clock.now().getTime();
  return Promise.all(
    allBucketKeys(saleId, stockBuckets).map((keys) =>
      deps.saleEngine.run(readBucketLedgerScript, { keys: { meta: keys.meta, holds: keys.holds, xferOut: keys.xferOut, xferIn: keys.xferIn }, args: { nowMs, graceMs: HOLD_GRACE_MS } }),
    ),
  );
}

/**
 * Takes the home slot's rebuild lock, the one lock every allotment-changing pass (rebuild, reconcile's top-up) holds,
 * so two of them never hand out the same free units. Returns a release function, or null when it is busy.
 */
export async function takeAllotmentLock(deps: DepsOf<"redis">, saleId: number) {
  const { rebuildLock } = saleKeys(saleId);
  const token = crypto.randomUUID();
  if ((await deps.redis.set(rebuildLock, token, { nx: true, px: REBUILD_LOCK_MS })) !== "OK") return null;
  return async () => {
    // Only our own lock: if this pass outlived it, another holder's lock must not be dropped.
    if ((await deps.redis.get<string>(rebuildLock)) === token) await deps.redis.del(rebuildLock);
  };
}

/**
 * Rebuilds the buckets whose keys are gone, together, under the home rebuild lock. A rebuilt bucket gets its own sold
 * units and holds from MySQL, plus a share of the free units, where free = quantity − the allotments of the buckets
 * still live − units in transit to them − what the rebuilt buckets already use. The live buckets are read one after
 * another, so a transfer between two readings may be counted twice, never missed: the rebuilt buckets can only get too
 * few units (reconcile tops the deficit up), never too many. Transfers into a rebuilt bucket that a live donor
 * journaled are counted in its share and marked received, so finishing them later adds nothing twice.
 */
export async function rebuildSaleBuckets(deps: Deps, saleId: number, stockBuckets: number): Promise<{ rebuilt: boolean }> {
  let release = await takeAllotmentLock(deps, saleId);
  for (let attempt = 0; !release && attempt < 50; attempt += 1) {
    // Someone else is rebuilding: wait for them, then take the lock only if buckets are still missing.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const ledgers = await readBucketLedgers(deps, saleId, stockBuckets);
    if (ledgers.every((ledger) => !ledger.isMissing)) return { rebuilt: false };
    release = await takeAllotmentLock(deps, saleId);
  }
  // Unlike K = 1, a rebuild without the lock could share the same free units out twice: refuse instead.
  if (!release) throw new DomainError("UNAVAILABLE", "세일 정보를 불러오지 못했습니다. 잠시 후 다시 시도해 주세요.", { retryAfterS: 1 });
  try {
    return await loadMissingBuckets(deps, saleId, stockBuckets);
  } finally {
    await release();
  }
}

async function loadMissingBuckets(deps: Deps, saleId: number, stockBuckets: number) {
  const state = await computeSaleStateFromDb(deps, saleId);
  // K changed (only possible while scheduled) and this instance's cached K is older: its caches catch up in seconds.
  if (state.sale.stockBuckets !== stockBuckets) throw new DomainError("UNAVAILABLE", "세일 정보를 불러오지 못했습니다. 잠시 후 다시 시도해 주세요.", { retryAfterS: 2 });
  const ledgers = await readBucketLedgers(deps, saleId, stockBuckets);
  const missing = ledgers.flatMap((ledger, bucket) => (ledger.isMissing ? [bucket] : []));
  if (missing.length === 0) return { rebuilt: false };

  const nowMs = deps.clock.now().getTime();
  const fromDb = bucketStatesFromDb(state, stockBuckets, nowMs);
  const isMissing = new Set(missing);
  const receivedByRebuilt = new Map<number, string[]>(missing.map((bucket) => [bucket, []]));
  let liveAllotments = 0;
  let inTransitToLive = 0;
  for (const ledger of ledgers) {
    if (ledger.isMissing) continue;
    liveAllotments += ledger.quantity;
    for (const [transferId, toBucket, units] of ledger.given) {
      if (isMissing.has(toBucket)) receivedByRebuilt.get(toBucket)!.push(transferId);
      else if (!isReceived(ledgers[toBucket], transferId)) inTransitToLive += units;
    }
  }
  const usedByRebuilt = missing.reduce((sum, bucket) => sum + fromDb[bucket]!.sold + fromDb[bucket]!.holds.length, 0);
  const free = Math.max(0, state.meta.quantity - liveAllotments - inTransitToLive - usedByRebuilt);
  const shares = splitEvenly(free, missing.length);

  if (isMissing.has(0)) await restoreQueueFromLog(deps, saleId);
  const ttlS = keysTtlSeconds(state.meta, nowMs);
  const loads = await Promise.all(
    missing.map((bucket, index) => {
      const keys = saleBucketKeys(saleId, bucket, stockBuckets);
      const own = fromDb[bucket]!;
      const meta = { ...state.meta, quantity: own.sold + own.holds.length + shares[index]!, sold: own.sold, wins: own.wins, bucket, stockBuckets };
      return deps.saleEngine.run(loadBucketStateScript, {
        keys: { meta: keys.meta, holds: keys.holds, holders: keys.holders, users: keys.users, idempotency: keys.idempotency, settled: keys.settled, xferIn: keys.xferIn },
        args: {
          meta: JSON.stringify(meta),
          holds: JSON.stringify(own.holds),
          userCounts: JSON.stringify(own.userUnits),
          settled: JSON.stringify(own.settled),
          received: JSON.stringify(receivedByRebuilt.get(bucket)),
          ttlS,
        },
      });
    }),
  );
  return { rebuilt: loads.some((loaded) => loaded === 1) };
}

function isReceived(ledger: BucketLedgerReply | undefined, transferId: string) {
  return ledger !== undefined && !ledger.isMissing && ledger.received.has(transferId);
}

/** refreshSaleMeta for K > 1: the sale-wide rules into every bucket; allotments and sold counts stay each bucket's. */
export async function refreshBucketMeta(deps: Deps, state: SaleStateFromDb) {
  const saleId = state.sale.id;
  const stockBuckets = state.sale.stockBuckets;
  const { sold: _sold, quantity: _quantity, wins: _wins, ...saleWide } = state.meta;
  const fields = Object.fromEntries(Object.entries(saleWide).map(([field, value]) => [field, String(value)]));
  const keys = allBucketKeys(saleId, stockBuckets);
  const exists = await Promise.all(keys.map((bucket) => deps.redis.exists(bucket.meta)));
  // A missing bucket is rebuilt from MySQL, which already has the new rules.
  const rebuilt = exists.includes(0) ? (await rebuildSaleBuckets(deps, saleId, stockBuckets)).rebuilt : false;
  await Promise.all(keys.map((bucket, index) => (exists[index] === 0 ? Promise.resolve(0) : deps.redis.hset(bucket.meta, fields))));
  return { rebuilt };
}

/**
 * Drops a scheduled sale's bucket keys (for its old and new K) and loads them again, split afresh: for an edit of its
 * quantity or K before it opens. Safe only then: before the open time no unit can be held or sold.
 */
export async function resetSaleBuckets(deps: Deps, input: { saleId: number; stockBucketCounts: number[] }) {
  const release = await takeAllotmentLock(deps, input.saleId);
  if (!release) throw new DomainError("UNAVAILABLE", "세일 정보를 갱신하지 못했습니다. 잠시 후 다시 시도해 주세요.", { retryAfterS: 1 });
  try {
    for (const stockBuckets of new Set(input.stockBucketCounts)) {
      for (const keys of allBucketKeys(input.saleId, stockBuckets)) {
        await deps.redis.del(keys.meta, keys.holds, keys.holders, keys.users, keys.idempotency, keys.settled, keys.xferOut, keys.xferIn);
      }
    }
  } finally {
    await release();
  }
}

/** readSaleStatus for K > 1: every bucket read at once, summed. A unit in transit is in no bucket, so not available. */
export async function readBucketedSaleStatus(deps: Deps, saleId: number, stockBuckets: number): Promise<SaleLiveStatus> {
  const keys = allBucketKeys(saleId, stockBuckets);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const nowMs = deps.clock.now().getTime();
    const replies = await Promise.all(keys.map((bucket) => deps.saleEngine.run(readSaleStatusScript, { keys: { meta: bucket.meta, holds: bucket.holds }, args: { nowMs, graceMs: HOLD_GRACE_MS } })));
    const buckets = replies.flatMap((reply) => (reply.isMissing ? [] : [reply]));
    if (buckets.length < replies.length) {
      await rebuildSaleBuckets(deps, saleId, stockBuckets);
      continue;
    }
    let quantity = 0;
    let sold = 0;
    let held = 0;
    let available = 0;
    for (const bucket of buckets) {
      quantity += bucket.quantity;
      sold += bucket.sold;
      held += bucket.held;
      available += Math.max(0, bucket.quantity - bucket.sold - bucket.held);
    }
    // Each bucket reports its earliest hold deadline only when it has nothing available; the sale's matters only
    // when no bucket has anything.
    const deadlines = buckets.map((bucket) => bucket.earliestHoldDueAtMs).filter((deadline) => deadline > 0);
    return {
      quantity,
      sold,
      held,
      available,
      isPaused: buckets[0]!.isPaused,
      isClosed: buckets[0]!.isClosed,
      earliestHoldDueAt: available === 0 && deadlines.length > 0 ? Math.min(...deadlines) : null,
    };
  }
  throw new DomainError("UNAVAILABLE", "세일 정보를 불러오지 못했습니다. 잠시 후 다시 시도해 주세요.");
}
