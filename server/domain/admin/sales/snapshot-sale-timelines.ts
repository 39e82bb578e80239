
import type { DepsOf } from "~/server/deps.ts";
import { readSaleTimeline } from "~/server/domain/sales/read-sale-timeline.ts";
import { Prisma } from "~/server/generated/prisma/client.ts";

type Deps = DepsOf<"db" | "redis" | "clock">;

/** Redis keeps the per-second timeline this long (PEXPIRE in the reservation script). */
export const REDIS_TIMELINE_RETENTION_MS = 2 * 3600_000;
/**
 * How far back a routine snapshot re-reads. Several due-work intervals wide, so a runner that pauses for a few
 * minutes loses nothing; a sale's first snapshot reads the whole retention instead.
 */
export const SNAPSHOT_LOOKBACK_MS = 10 * 60_000;

/** One sale's busy seconds (attempts or wins) still in Redis, from `fromMs` (at most its retention back) to now. */
export async function readRecentTimelineRows(deps: DepsOf<"redis" | "clock">, input: { saleId: number; fromMs: number; stockBuckets?: number }) {
  const nowMs = deps.clock.now().getTime();
  const points = await readSaleTimeline(deps, { saleId: input.saleId, fromMs: Math.max(input.fromMs, nowMs - REDIS_TIMELINE_RETENTION_MS), toMs: nowMs, stockBuckets: input.stockBuckets });
  return points.filter((point) => point.attempts > 0 || point.wins > 0);
}

/**
 * Copies one sale's per-second attempts/wins from Redis into SaleSecondStat. Idempotent: rows are keyed by
 * (saleId, second) and an existing count is only ever raised (GREATEST), so re-running, running late, or running
 * on two instances at once converges on the same rows, and a Redis restart can never erase what was saved.
 */
export async function snapshotSaleTimeline(deps: Deps, input: { saleId: number; fromMs?: number }) {
  const nowMs = deps.clock.now().getTime();
  let fromMs = input.fromMs;
  if (fromMs === undefined) {
    const hasSnapshot = await deps.db.saleSecondStat.findFirst({ where: { saleId: input.saleId }, select: { saleId: true } });
    fromMs = nowMs - (hasSnapshot ? SNAPSHOT_LOOKBACK_MS : REDIS_TIMELINE_RETENTION_MS);
  }
  const sale = await deps.db.sale.findUnique({ where: { id: input.saleId }, select: { stockBuckets: true } });
  const rows = await readRecentTimelineRows(deps, { saleId: input.saleId, fromMs, stockBuckets: sale?.stockBuckets });
  if (rows.length === 0) return { rows: 0 };

  // One statement per sale and run: at peak a sale has a few hundred busy seconds in the window.
  const values = rows.map((point) => Prisma.sql`(${input.saleId}, ${new Date(point.second)}, ${point.attempts}, ${point.wins})`);
  await deps.db.$executeRaw`
    INSERT INTO \`SaleSecondStat\` (\`saleId\`, \`second\`, \`attempts\`, \`wins\`)
    VALUES ${Prisma.join(values)}
    ON DUPLICATE KEY UPDATE \`attempts\` = GREATEST(\`attempts\`, VALUES(\`attempts\`)), \`wins\` = GREATEST(\`wins\`, VALUES(\`wins\`))`;
  return { rows: rows.length };
}

/**
 * Sales whose timeline may still change or is still only in Redis: live ones, and ones that ended within Redis's
 * retention (by their close time or by the moment their state last changed, e.g. an early close).
 */
export async function listSalesToSnapshot(deps: DepsOf<"db" | "clock">) {
  const since = new Date(deps.clock.now().getTime() - REDIS_TIMELINE_RETENTION_MS);
  const sales = await deps.db.sale.findMany({
    where: {
      OR: [
        { state: { in: ["OPEN", "PAUSED", "SOLD_OUT"] } },
        { state: "CLOSED", OR: [{ closesAt: { gte: since } }, { updatedAt: { gte: since } }] },
      ],
    },
    select: { id: true },
    take: 200,
  });
  return sales.map((sale) => sale.id);
}

/** Due operation "snapshot-sale-timelines". `processed` counts rows written. */
export async function snapshotSaleTimelines(deps: Deps) {
  let processed = 0;
  for (const saleId of await listSalesToSnapshot(deps)) {
    processed += (await snapshotSaleTimeline(deps, { saleId })).rows;
  }
  return { processed };
}
