
import type { DepsOf } from "~/server/deps.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { readBucketedSaleStatus, rebuildSaleBuckets, refreshBucketMeta } from "~/server/domain/sales/bucketed-sale-state.ts";
import { saleKeys } from "~/server/domain/sales/keys.ts";
import { restoreQueueFromLog } from "~/server/domain/sales/queue-log.ts";
import { HOLD_GRACE_MS, SALE_KEYS_TTL_AFTER_CLOSE_S, SOLD_ORDER_STATUSES } from "~/server/domain/sales/sale-config.ts";
import { saleStockBuckets } from "~/server/domain/sales/sale-buckets.ts";
import { saleRulesSelect } from "~/server/domain/sales/select.ts";
import { loadSaleStateScript, readSaleStatusScript } from "~/server/domain/sales/scripts.ts";

type Deps = DepsOf<"db" | "redis" | "clock" | "saleEngine">;

/**
 * What Redis should hold for a sale, computed from MySQL (the source of truth): sold units are paid orders not yet
 * returned, holds are unpaid orders whose deadline (+grace) has not passed. Never "the full quantity again".
 */
export async function computeSaleStateFromDb(deps: DepsOf<"db" | "clock">, saleId: number) {
  const sale = await deps.db.sale.findUnique({
    where: { id: saleId },
    select: saleRulesSelect,
  });
  if (!sale) throw new DomainError("NOT_FOUND", "세일을 찾을 수 없습니다.");

  const now = deps.clock.now().getTime();
  const orders = await deps.db.order.findMany({
    where: { saleId },
    select: { id: true, userId: true, status: true, paymentDueAt: true, paidAt: true, saleWinSeq: true },
  });
  const { holds, userUnits, settled, sold, wins } = classifySaleOrders(orders, now);

  const meta = {
    quantity: sale.quantity,
    sold,
    // The reservation script's win counter resumes past every win MySQL holds (lost-wins.ts).
    wins,
    opensAt: sale.opensAt.getTime(),
    closesAt: sale.closesAt?.getTime() ?? 0,
    perUserLimit: sale.perUserLimit,
    holdMs: sale.holdMinutes * 60_000,
    paused: sale.state === "PAUSED" ? 1 : 0,
    closed: sale.state === "CLOSED" ? 1 : 0,
    waitingRoom: sale.waitingRoomEnabled ? 1 : 0,
    fairness: sale.fairnessMode,
    admissionMode: sale.admissionMode,
    admissionRatePerMinute: sale.admissionRatePerMinute,
    overbookingPercent: sale.overbookingPercent,
    queueOpensAt: sale.opensAt.getTime() - sale.queueOpensMinutesBefore * 60_000,
    // Read back by saleStockBuckets (sale-buckets.ts), so reservations learn K from Redis.
    stockBuckets: sale.stockBuckets,
  };
  return { sale, meta, holds, userUnits, settled, soldCountColumn: sale.soldCount, orders };
}

type SaleOrderRow = { id: string; userId: string; status: string; paymentDueAt: Date; paidAt: Date | null; saleWinSeq: number | null };

/** What a set of a sale's orders puts in Redis: sold units, active holds, each user's units, settled order ids. */
export function classifySaleOrders(orders: readonly SaleOrderRow[], nowMs: number) {
  const holds: Array<[string, string, number]> = [];
  const userUnits: Record<string, number> = {};
  const settled: string[] = [];
  let sold = 0;
  let wins = 0;
  for (const order of orders) {
    wins = Math.max(wins, order.saleWinSeq ?? 0);
    const isSold = (SOLD_ORDER_STATUSES as readonly string[]).includes(order.status);
    const isActiveHold = order.status === "PENDING_PAYMENT" && order.paymentDueAt.getTime() + HOLD_GRACE_MS > nowMs;
    if (isSold) sold += 1;
    if (isActiveHold) holds.push([order.id, order.userId, order.paymentDueAt.getTime()]);
    if (isSold || isActiveHold) userUnits[order.userId] = (userUnits[order.userId] ?? 0) + 1;
    if (order.paidAt) settled.push(order.id);
    if (order.paidAt && !isSold) settled.push(`r:${order.id}`);
  }
  return { holds, userUnits, settled, sold, wins };
}

export function keysTtlSeconds(meta: { closesAt: number; opensAt: number }, nowMs: number) {
  const end = meta.closesAt || meta.opensAt + 30 * 24 * 3600_000;
  return Math.max(3600, Math.ceil((end - nowMs) / 1000) + SALE_KEYS_TTL_AFTER_CLOSE_S);
}

/**
 * Rebuilds a sale's Redis keys from MySQL when they are missing (Redis restarted or evicted them mid-sale).
 * A short lock keeps a stampede of instances from all querying MySQL; the load itself is conditional, so a
 * concurrent rebuild can never overwrite a live state.
 */
export async function rebuildSaleState(deps: Deps, saleId: number) {
  const stockBuckets = await saleStockBuckets(deps, saleId);
  if (stockBuckets > 1) return rebuildSaleBuckets(deps, saleId, stockBuckets);
  const keys = saleKeys(saleId);
  const lockToken = crypto.randomUUID();
  const hasLock = (await deps.redis.set(keys.rebuildLock, lockToken, { nx: true, px: 5_000 })) === "OK";
  if (!hasLock) {
    // Someone else is rebuilding; wait briefly for them rather than hammering MySQL too.
    for (let attempt = 0; attempt < 50; attempt += 1) {
      if ((await deps.redis.exists(keys.meta)) === 1) return { rebuilt: false };
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  try {
    const state = await computeSaleStateFromDb(deps, saleId);
    if (state.sale.stockBuckets > 1) {
      // This instance's cached K is older than MySQL's (an edit before the open): never load a split sale unsplit.
      deps.saleEngine.caches.stockBuckets.forget(saleId);
      throw new DomainError("UNAVAILABLE", "세일 정보를 불러오지 못했습니다. 잠시 후 다시 시도해 주세요.", { retryAfterS: 1 });
    }
    // The waiting-room line first: joins wait for the meta below, so none can take a number the log already holds.
    await restoreQueueFromLog(deps, saleId);
    const loaded = await deps.saleEngine.run(loadSaleStateScript, {
      keys: { meta: keys.meta, holds: keys.holds, holders: keys.holders, users: keys.users, idempotency: keys.idempotency, settled: keys.settled },
      args: {
        meta: JSON.stringify(state.meta),
        holds: JSON.stringify(state.holds),
        userCounts: JSON.stringify(state.userUnits),
        settled: JSON.stringify(state.settled),
        ttlS: keysTtlSeconds(state.meta, deps.clock.now().getTime()),
      },
    });
    return { rebuilt: loaded === 1 };
  } finally {
    if (hasLock) await deps.redis.del(keys.rebuildLock);
  }
}

/** Pushes admin changes (pause, resume, close, edits before open) into Redis, or loads the sale if it is absent. */
export async function refreshSaleMeta(deps: Deps, saleId: number) {
  const state = await computeSaleStateFromDb(deps, saleId);
  if (state.sale.stockBuckets > 1) return refreshBucketMeta(deps, state);
  const keys = saleKeys(saleId);
  if ((await deps.redis.exists(keys.meta)) === 0) return rebuildSaleState(deps, saleId);
  // Counters are Redis's own: an admin edit must not move them.
  const { sold: _sold, wins: _wins, ...adminFields } = state.meta;
  await deps.redis.hset(keys.meta, Object.fromEntries(Object.entries(adminFields).map(([field, value]) => [field, String(value)])));
  return { rebuilt: false };
}

/** `earliestHoldDueAt`: payment deadline (ms) of the first unpaid hold to lapse, known only while nothing is available. */
export type SaleLiveStatus = { quantity: number; sold: number; held: number; available: number; isPaused: boolean; isClosed: boolean; earliestHoldDueAt: number | null };

/** Live counters from Redis (rebuilding if needed). sold + held + available = quantity by construction. */
export async function readSaleStatus(deps: Deps, saleId: number): Promise<SaleLiveStatus> {
  const stockBuckets = await saleStockBuckets(deps, saleId);
  if (stockBuckets > 1) return readBucketedSaleStatus(deps, saleId, stockBuckets);
  const keys = saleKeys(saleId);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const reply = await deps.saleEngine.run(readSaleStatusScript, { keys: { meta: keys.meta, holds: keys.holds }, args: { nowMs: deps.clock.now().getTime(), graceMs: HOLD_GRACE_MS } });
    if (reply.isMissing) {
      await rebuildSaleState(deps, saleId);
      continue;
    }
    const { quantity, sold, held } = reply;
    return {
      quantity,
      sold,
      held,
      available: Math.max(0, quantity - sold - held),
      isPaused: reply.isPaused,
      isClosed: reply.isClosed,
      earliestHoldDueAt: reply.earliestHoldDueAtMs > 0 ? reply.earliestHoldDueAtMs : null,
    };
  }
  throw new DomainError("UNAVAILABLE", "세일 정보를 불러오지 못했습니다. 잠시 후 다시 시도해 주세요.");
}
