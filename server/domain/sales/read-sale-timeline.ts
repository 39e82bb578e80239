
import type { DepsOf } from "~/server/deps.ts";
import { timelineKey } from "~/server/domain/sales/keys.ts";
import { allBucketKeys } from "~/server/domain/sales/sale-buckets.ts";

export type TimelinePoint = { second: number; attempts: number; wins: number; admitted: number };

/**
 * Attempts, wins and waiting-room admissions per second between two instants, from the per-minute hashes the reservation script increments.
 * Seconds without traffic are returned as zeros so charts have a continuous axis. Redis keeps two hours of it.
 */
export async function readSaleTimeline(deps: DepsOf<"redis">, input: { saleId: number; fromMs: number; toMs: number; stockBuckets?: number }): Promise<TimelinePoint[]> {
  const firstMinute = Math.floor(input.fromMs / 60_000);
  const lastMinute = Math.floor(input.toMs / 60_000);
  const minutes = Array.from({ length: Math.max(0, lastMinute - firstMinute + 1) }, (_, index) => firstMinute + index).slice(-180);
  if (minutes.length === 0) return [];

  // A split sale (sale-buckets.ts) counts in every bucket's own timeline: one pipeline per bucket (one slot each), summed.
  const perBucket = await Promise.all(
    allBucketKeys(input.saleId, input.stockBuckets ?? 1).map((keys) => {
      const pipeline = deps.redis.pipeline();
      for (const minute of minutes) pipeline.hgetall(timelineKey(keys, minute));
      return pipeline.exec<Array<Record<string, number | string> | null>>();
    }),
  );
  const hashes = perBucket.length === 1 ? perBucket[0]! : minutes.map((_, index) => sumCounters(perBucket.map((bucket) => bucket[index])));

  const points: TimelinePoint[] = [];
  const fromSecond = Math.floor(input.fromMs / 1000);
  const toSecond = Math.floor(input.toMs / 1000);
  minutes.forEach((minute, index) => {
    const hash = hashes[index] ?? {};
    for (let offset = 0; offset < 60; offset += 1) {
      const second = minute * 60 + offset;
      if (second < fromSecond || second > toSecond) continue;
      points.push({ second: second * 1000, attempts: Number(hash[`a${offset}`] ?? 0), wins: Number(hash[`w${offset}`] ?? 0), admitted: Number(hash[`d${offset}`] ?? 0) });
    }
  });
  return points;
}

function sumCounters(hashes: Array<Record<string, number | string> | null | undefined>) {
  const sum: Record<string, number> = {};
  for (const hash of hashes) for (const [field, value] of Object.entries(hash ?? {})) sum[field] = (sum[field] ?? 0) + Number(value);
  return sum;
}
