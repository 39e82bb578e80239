
import type { DepsOf } from "~/server/deps.ts";
import { countSaleOrders } from "~/server/domain/admin/sales/count-sale-orders.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { getQueueStats } from "~/server/domain/sales/get-queue-stats.ts";
import { salePhase } from "~/server/domain/sales/get-sale.ts";
import { readSaleTimeline } from "~/server/domain/sales/read-sale-timeline.ts";
import { reconcileSale, type SaleReconciliation } from "~/server/domain/sales/reconcile-sale.ts";
import { readSaleStatus } from "~/server/domain/sales/sale-state.ts";
import { saleSelect } from "~/server/domain/sales/select.ts";

type Deps = DepsOf<"db" | "redis" | "clock" | "saleEngine" | "config">;

/** How much of the per-second timeline the live charts show. */
export const MONITOR_WINDOW_MS = 2 * 60_000;

/**
 * Measuring drift reads every order of the sale from MySQL, and every open monitor tab polls each second. One
 * measurement per sale is shared for a few seconds, but only while the live counters and MySQL's order counts
 * (the fingerprint) are unchanged: a reconcile, a sale or an expiry shows up on the next poll.
 */
const DRIFT_CACHE_MS = 3_000;
const driftCache = new Map<number, { value: Promise<SaleReconciliation>; fingerprint: string; expiresAt: number }>();

function measureDriftShared(deps: Deps, saleId: number, fingerprint: string) {
  const nowMs = deps.clock.now().getTime();
  const cached = driftCache.get(saleId);
  if (cached && cached.expiresAt > nowMs && cached.fingerprint === fingerprint) return cached.value;
  const value = reconcileSale(deps, saleId, { repair: false });
  driftCache.set(saleId, { value, fingerprint, expiresAt: nowMs + DRIFT_CACHE_MS });
  value.catch(() => driftCache.delete(saleId));
  return value;
}

/**
 * Everything the live monitor shows, in one call so the page polls one request every second or two:
 * live counters from Redis (uncached: admins need the current figure, not the storefront's half-second cache),
 * order counts from MySQL, the last two minutes of attempts/wins per second, the waiting room, and the
 * Redis↔MySQL drift measured without repairing anything (repair is the explicit "reconcile now").
 */
export async function getSaleMonitor(deps: Deps, input: { id: number }) {
  const sale = await deps.db.sale.findUnique({ where: { id: input.id }, select: saleSelect });
  if (!sale) throw new DomainError("NOT_FOUND", "세일을 찾을 수 없습니다.");

  // The live read first: if Redis lost the sale's keys it rebuilds them once, before the parallel reads below.
  const live = await readSaleStatus(deps, sale.id);
  const now = deps.clock.now();
  const nowMs = now.getTime();
  const [orders, timeline, queue] = await Promise.all([
    countSaleOrders(deps.db, sale.id),
    readSaleTimeline(deps, { saleId: sale.id, fromMs: nowMs - MONITOR_WINDOW_MS, toMs: nowMs, stockBuckets: sale.stockBuckets }),
    sale.waitingRoomEnabled ? getQueueStats(deps, sale.id) : Promise.resolve({ isEnabled: false as const }),
  ]);
  const reconciliation = await measureDriftShared(deps, sale.id, JSON.stringify([live.sold, live.held, orders]));

  // The current second is still filling up; the last complete one is the honest "per second" figure.
  const lastComplete = timeline.at(-2) ?? timeline.at(-1);
  const total = live.sold + live.held + live.available;

  return {
    sale,
    phase: salePhase(sale, live, now),
    serverNow: now,
    counts: {
      quantity: live.quantity,
      remaining: live.available,
      held: live.held,
      sold: live.sold,
      expired: orders.EXPIRED,
      cancelled: orders.CANCELLED,
      returned: orders.RETURNED,
      paidInDb: orders.sold,
    },
    invariant: { sold: live.sold, held: live.held, available: live.available, total, quantity: live.quantity, isHeld: total === live.quantity },
    rates: { attemptsPerSecond: lastComplete?.attempts ?? 0, winsPerSecond: lastComplete?.wins ?? 0 },
    timeline: timeline.map((point) => ({ second: point.second, attempts: point.attempts, wins: point.wins })),
    drift: {
      count: reconciliation.drift,
      mysql: reconciliation.mysql,
      redis: reconciliation.redis,
      isInvariantHeld: reconciliation.isInvariantHeld,
    },
    queue,
  };
}
