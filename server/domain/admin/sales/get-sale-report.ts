
import type { DepsOf } from "~/server/deps.ts";
import { countSaleOrders } from "~/server/domain/admin/sales/count-sale-orders.ts";
import { readRecentTimelineRows, REDIS_TIMELINE_RETENTION_MS } from "~/server/domain/admin/sales/snapshot-sale-timelines.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { SOLD_ORDER_STATUSES } from "~/server/domain/sales/sale-config.ts";

type Deps = DepsOf<"db" | "redis" | "clock">;

/** The report's chart never draws more points than this; longer sales are summed into wider buckets. */
export const REPORT_CHART_MAX_POINTS = 600;

export type SecondStat = { second: Date; attempts: number; wins: number };

/** Per-second rows (only busy seconds are stored) as an evenly spaced series of per-second averages, gaps as zeros. */
export function bucketTimeline(rows: SecondStat[], maxPoints = REPORT_CHART_MAX_POINTS) {
  const first = rows[0];
  const last = rows.at(-1);
  if (!first || !last) return { bucketSeconds: 1, points: [] };
  const startS = Math.floor(first.second.getTime() / 1000);
  const spanS = Math.floor(last.second.getTime() / 1000) - startS + 1;
  const bucketSeconds = Math.max(1, Math.ceil(spanS / maxPoints));
  const buckets = Array.from({ length: Math.ceil(spanS / bucketSeconds) }, (_, index) => ({ second: (startS + index * bucketSeconds) * 1000, attempts: 0, wins: 0 }));
  for (const row of rows) {
    const bucket = buckets[Math.floor((Math.floor(row.second.getTime() / 1000) - startS) / bucketSeconds)];
    if (!bucket) continue;
    bucket.attempts += row.attempts;
    bucket.wins += row.wins;
  }
  return {
    bucketSeconds,
    points: buckets.map((bucket) => ({ second: bucket.second, attemptsPerSecond: bucket.attempts / bucketSeconds, winsPerSecond: bucket.wins / bucketSeconds })),
  };
}

/**
 * MySQL's saved seconds with the ones still in Redis laid over them, each second's counts the larger of the two: what
 * the snapshot's GREATEST upsert will leave in MySQL, computed without writing (a report is a read).
 */
function mergeTimelineRows(stored: SecondStat[], recent: Array<{ second: number; attempts: number; wins: number }>): SecondStat[] {
  const bySecond = new Map(stored.map((row) => [row.second.getTime(), row]));
  for (const point of recent) {
    const saved = bySecond.get(point.second);
    bySecond.set(point.second, {
      second: saved?.second ?? new Date(point.second),
      attempts: Math.max(saved?.attempts ?? 0, point.attempts),
      wins: Math.max(saved?.wins ?? 0, point.wins),
    });
  }
  return [...bySecond.values()].sort((a, b) => a.second.getTime() - b.second.getTime());
}

/**
 * The proof of a sale, from MySQL so it outlives Redis: what was sold, expired or cancelled, that nothing was
 * oversold, when buying started and ended, and the traffic it took. While the sale's timeline is still in Redis the
 * seconds the due snapshot has not copied yet are read from there too, so a report opened right after the last unit
 * sold is complete; the report itself writes nothing.
 */
export async function getSaleReportData(deps: Deps, input: { id: number }) {
  const sale = await deps.db.sale.findUnique({
    where: { id: input.id },
    select: { id: true, quantity: true, salePrice: true, opensAt: true, closesAt: true, state: true, updatedAt: true, stockBuckets: true, product: { select: { id: true, name: true } } },
  });
  if (!sale) throw new DomainError("NOT_FOUND", "세일을 찾을 수 없습니다.");

  const nowMs = deps.clock.now().getTime();
  const endedLongAgo = sale.state === "CLOSED" && Math.max(sale.closesAt?.getTime() ?? 0, sale.updatedAt.getTime()) < nowMs - REDIS_TIMELINE_RETENTION_MS;
  const isTimelineInRedis = !endedLongAgo && sale.state !== "SCHEDULED";

  const [counts, paidOrders, storedRows, recentRows] = await Promise.all([
    countSaleOrders(deps.db, sale.id),
    deps.db.order.findMany({ where: { saleId: sale.id, paidAt: { not: null } }, select: { status: true, paidAt: true }, orderBy: [{ paidAt: "asc" }, { id: "asc" }] }),
    deps.db.saleSecondStat.findMany({ where: { saleId: sale.id }, orderBy: { second: "asc" }, select: { second: true, attempts: true, wins: true } }),
    isTimelineInRedis ? readRecentTimelineRows(deps, { saleId: sale.id, fromMs: nowMs - REDIS_TIMELINE_RETENTION_MS, stockBuckets: sale.stockBuckets }) : [],
  ]);
  const rows = mergeTimelineRows(storedRows, recentRows);

  const soldPaidTimes = paidOrders.filter((order) => (SOLD_ORDER_STATUSES as readonly string[]).includes(order.status)).map((order) => order.paidAt!);
  const sellOutAt = counts.sold >= sale.quantity ? (soldPaidTimes[sale.quantity - 1] ?? null) : null;

  let cumulativeWins = 0;
  let allReservedAt: Date | null = null;
  let peak: SecondStat | null = null;
  for (const row of rows) {
    cumulativeWins += row.wins;
    if (!allReservedAt && cumulativeWins >= sale.quantity) allReservedAt = row.second;
    if (!peak || row.attempts > peak.attempts) peak = row;
  }

  return {
    sale,
    generatedAt: new Date(nowMs),
    summary: {
      quantity: sale.quantity,
      sold: counts.sold,
      everPaid: paidOrders.length,
      expired: counts.EXPIRED,
      cancelled: counts.CANCELLED,
      returned: counts.RETURNED,
      pendingPayment: counts.PENDING_PAYMENT,
      // Must stay 0: units bought and not given back beyond the sale's quantity.
      oversold: Math.max(0, counts.sold - sale.quantity),
      firstPurchaseAt: paidOrders[0]?.paidAt ?? null,
      lastPurchaseAt: paidOrders.at(-1)?.paidAt ?? null,
      sellOutAt,
      timeToSellOutMs: sellOutAt ? sellOutAt.getTime() - sale.opensAt.getTime() : null,
      allReservedAt,
      timeToAllReservedMs: allReservedAt ? Math.max(0, allReservedAt.getTime() - sale.opensAt.getTime()) : null,
      peakAttemptsPerSecond: peak?.attempts ?? 0,
      peakAt: peak?.second ?? null,
      totalAttempts: rows.reduce((sum, row) => sum + row.attempts, 0),
      totalWins: cumulativeWins,
    },
    rows,
  };
}

/** The report page's payload: the summary and a chart-sized series (the full per-second rows go to the CSV). */
export async function getSaleReport(deps: Deps, input: { id: number }) {
  const { rows, ...report } = await getSaleReportData(deps, input);
  return { ...report, chart: bucketTimeline(rows), timelineRowCount: rows.length };
}
