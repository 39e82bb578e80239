import type { Redis } from "@upstash/redis";

import type { DepsOf } from "~/server/deps.ts";
import { reconcileBucketedSale } from "~/server/domain/sales/reconcile-buckets.ts";
import { saleKeys, type SaleKeys } from "~/server/domain/sales/keys.ts";
import { saleStockBuckets } from "~/server/domain/sales/sale-buckets.ts";
import { HOLD_GRACE_MS } from "~/server/domain/sales/sale-config.ts";
import { reconcileLiveQueues } from "~/server/domain/sales/queue-log.ts";
import { computeSaleStateFromDb, rebuildSaleState } from "~/server/domain/sales/sale-state.ts";
import { applySaleFixesScript } from "~/server/domain/sales/scripts.ts";
import { logger } from "~/server/logger.ts";

type Deps = DepsOf<"db" | "redis" | "clock" | "saleEngine">;

/**
 * A hold younger than this may be a reservation whose MySQL write is still in flight: it is in Redis but not yet in
 * the database snapshot, and must not be "repaired" away.
 */
const IN_FLIGHT_WINDOW_MS = 10_000;

export type Drift = {
  soldDelta: number;
  holdsMissingInRedis: Array<[string, string, number]>;
  holdsUnknownToDb: string[];
  userCounts: Record<string, number>;
};

/** One slot's sale state (the sale's keys, or one stock bucket's: keys from saleBucketKeys). */
export async function readRedisState(redis: Redis, keys: Pick<SaleKeys, "meta" | "holds" | "holders" | "users">) {
  const [meta, holds, holders, users] = await redis
    .pipeline()
    .hgetall<Record<string, string | number>>(keys.meta)
    .zrange<string[]>(keys.holds, 0, -1, { withScores: true })
    .hgetall<Record<string, string>>(keys.holders)
    .hgetall<Record<string, string | number>>(keys.users)
    .exec<[Record<string, string | number> | null, string[], Record<string, string> | null, Record<string, string | number> | null]>();
  if (!meta) return null;
  const holdDeadlines = new Map<string, number>();
  for (let index = 0; index + 1 < holds.length; index += 2) holdDeadlines.set(String(holds[index]), Number(holds[index + 1]));
  const userUnits = Object.fromEntries(Object.entries(users ?? {}).map(([userId, count]) => [userId, Number(count)]));
  return { sold: Number(meta.sold ?? 0), quantity: Number(meta.quantity ?? 0), holdDeadlines, holders: holders ?? {}, userUnits };
}

async function measureDrift(deps: Deps, saleId: number) {
  const nowMs = deps.clock.now().getTime();
  const db = await computeSaleStateFromDb(deps, saleId);
  const redis = await readRedisState(deps.redis, saleKeys(saleId));
  if (!redis) return { db, redis, drift: null };
  const drift = computeDrift({ sold: db.meta.sold, holdMs: db.meta.holdMs, holds: db.holds, userUnits: db.userUnits }, redis, nowMs);
  return { db, redis, drift };
}

type RedisSaleState = NonNullable<Awaited<ReturnType<typeof readRedisState>>>;

/** How Redis differs from what MySQL says it should hold (one sale, or one stock bucket and its buyers' orders). */
export function computeDrift(
  db: { sold: number; holdMs: number; holds: Array<[string, string, number]>; userUnits: Record<string, number> },
  redis: RedisSaleState,
  nowMs: number,
): Drift {
  const activeInRedis = [...redis.holdDeadlines].filter(([, deadline]) => deadline + HOLD_GRACE_MS > nowMs);
  const dbHoldIds = new Set(db.holds.map(([orderId]) => orderId));
  const holdMs = db.holdMs;
  const holdsUnknownToDb = activeInRedis
    .filter(([orderId, deadline]) => !dbHoldIds.has(orderId) && nowMs - (deadline - holdMs) > IN_FLIGHT_WINDOW_MS)
    .map(([orderId]) => orderId);
  const holdsMissingInRedis = db.holds.filter(([orderId]) => !redis.holdDeadlines.has(orderId));

  // Users whose Redis count differs, ignoring anyone with an in-flight hold (their DB count lags by design).
  const inFlightUsers = new Set(
    activeInRedis.filter(([orderId, deadline]) => !dbHoldIds.has(orderId) && nowMs - (deadline - holdMs) <= IN_FLIGHT_WINDOW_MS).map(([orderId]) => redis.holders[orderId]),
  );
  const userCounts: Record<string, number> = {};
  for (const userId of new Set([...Object.keys(db.userUnits), ...Object.keys(redis.userUnits)])) {
    if (inFlightUsers.has(userId)) continue;
    const expected = db.userUnits[userId] ?? 0;
    if ((redis.userUnits[userId] ?? 0) !== expected) userCounts[userId] = expected;
  }

  return { soldDelta: db.sold - redis.sold, holdsMissingInRedis, holdsUnknownToDb, userCounts };
}

export function driftSize(drift: Drift | null) {
  if (!drift) return 0;
  return Math.abs(drift.soldDelta) + drift.holdsMissingInRedis.length + drift.holdsUnknownToDb.length + Object.keys(drift.userCounts).length;
}

/** Keeps only the fixes seen in both readings: a difference caused by a request in flight disappears by the second. */
export function stableDrift(first: Drift, second: Drift): Drift {
  const firstMissing = new Set(first.holdsMissingInRedis.map(([orderId]) => orderId));
  const firstUnknown = new Set(first.holdsUnknownToDb);
  return {
    soldDelta: first.soldDelta === second.soldDelta ? second.soldDelta : 0,
    holdsMissingInRedis: second.holdsMissingInRedis.filter(([orderId]) => firstMissing.has(orderId)),
    holdsUnknownToDb: second.holdsUnknownToDb.filter((orderId) => firstUnknown.has(orderId)),
    userCounts: Object.fromEntries(Object.entries(second.userCounts).filter(([userId, count]) => first.userCounts[userId] === count)),
  };
}

export type SaleReconciliation = {
  saleId: number;
  quantity: number;
  mysql: { sold: number; held: number; soldCountColumn: number };
  redis: { sold: number; held: number; available: number } | null;
  /** How many facts differed between Redis and MySQL (0 = in agreement). */
  drift: number;
  repaired: number;
  rebuilt: boolean;
  /** sold + held + available = quantity, checked on the Redis side. */
  isInvariantHeld: boolean;
  /** A sale split into stock buckets (K > 1) only: its allotments and transfers (reconcile-buckets.ts). */
  buckets?: BucketsReconciliation;
};

export type BucketsReconciliation = {
  stockBuckets: number;
  /** Each bucket's allotment, sold and active holds in Redis. */
  perBucket: Array<{ quantity: number; sold: number; held: number }>;
  /** Units given but not yet received after this pass. */
  inTransit: number;
  /** Stuck transfers this pass finished. */
  transfersCompleted: number;
  /** Units added to the emptiest bucket because the allotments plus transit fell short of the quantity. */
  toppedUp: number;
};

/** Applies stable drift fixes to one slot's sale state (the sale's keys, or one bucket's), atomically, and logs them. */
export async function applyDriftFixes(deps: Pick<Deps, "saleEngine">, keys: Pick<SaleKeys, "meta" | "holds" | "holders" | "users">, fixes: Drift, logContext: { saleId: number; bucket?: number }) {
  const { meta, holds, holders, users } = keys;
  await deps.saleEngine.run(applySaleFixesScript, {
    keys: { meta, holds, holders, users },
    args: {
      soldDelta: fixes.soldDelta,
      holdsToAdd: JSON.stringify(fixes.holdsMissingInRedis),
      holdsToRemove: JSON.stringify(fixes.holdsUnknownToDb),
      userCounts: JSON.stringify(fixes.userCounts),
    },
  });
  const summary = { soldDelta: fixes.soldDelta, added: fixes.holdsMissingInRedis.length, removed: fixes.holdsUnknownToDb.length, users: Object.keys(fixes.userCounts).length };
  logger.warn({ ...logContext, fixes: summary }, "sale drift repaired");
}

/**
 * Recomputes a sale's state from MySQL, reports how far Redis has drifted, and (unless repair is off) repairs the
 * drift that is stable across two readings. Missing keys are rebuilt. Runs at open, periodically, and on demand.
 */
export async function reconcileSale(deps: Deps, saleId: number, options: { repair?: boolean; settleMs?: number } = {}): Promise<SaleReconciliation> {
  const stockBuckets = await saleStockBuckets(deps, saleId);
  if (stockBuckets > 1) return reconcileBucketedSale(deps, saleId, stockBuckets, options);
  const repair = options.repair ?? true;
  let first = await measureDrift(deps, saleId);
  if (first.db.sale.stockBuckets > 1) {
    // This instance's cached K is older than MySQL's (an edit before the open): never repair a split sale as unsplit.
    deps.saleEngine.caches.stockBuckets.forget(saleId);
    return reconcileBucketedSale(deps, saleId, first.db.sale.stockBuckets, options);
  }
  let rebuilt = false;
  if (!first.redis) {
    rebuilt = (await rebuildSaleState(deps, saleId)).rebuilt;
    first = await measureDrift(deps, saleId);
  }

  const drift = driftSize(first.drift);
  let repaired = 0;
  if (repair && first.drift && drift > 0) {
    await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? 300));
    const second = await measureDrift(deps, saleId);
    if (second.drift) {
      const fixes = stableDrift(first.drift, second.drift);
      repaired = driftSize(fixes);
      if (repaired > 0) {
        await applyDriftFixes(deps, saleKeys(saleId), fixes, { saleId });
      }
    }
  }

  const after = repaired > 0 ? await measureDrift(deps, saleId) : first;
  const nowMs = deps.clock.now().getTime();
  const redisHeld = after.redis ? [...after.redis.holdDeadlines.values()].filter((deadline) => deadline + HOLD_GRACE_MS > nowMs).length : 0;
  const redisView = after.redis
    ? { sold: after.redis.sold, held: redisHeld, available: Math.max(0, after.redis.quantity - after.redis.sold - redisHeld) }
    : null;
  return {
    saleId,
    quantity: after.db.meta.quantity,
    mysql: { sold: after.db.meta.sold, held: after.db.holds.length, soldCountColumn: after.db.soldCountColumn },
    redis: redisView,
    drift,
    repaired,
    rebuilt,
    isInvariantHeld: redisView ? redisView.sold + redisView.held + redisView.available === after.db.meta.quantity : false,
  };
}

/** The due-work operation: reconcile every sale that is live (open, paused or sold out but still holding). */
export async function reconcileLiveSales(deps: Deps) {
  const sales = await deps.db.sale.findMany({ where: { state: { in: ["OPEN", "PAUSED", "SOLD_OUT"] } }, select: { id: true } });
  let processed = 0;
  for (const sale of sales) {
    const result = await reconcileSale(deps, sale.id);
    processed += result.repaired + (result.rebuilt ? 1 : 0);
  }
  // Waiting-room lines behind their MySQL log (a replica promoted without the last joins) are repaired here too.
  processed += (await reconcileLiveQueues(deps)).processed;
  return { processed };
}
