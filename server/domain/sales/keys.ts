import { hashTagged, redisKey } from "~/server/redis-keys.ts";

/**
 * Every key of one sale shares the `{sale:<id>}` hash tag, so the reservation script touches a single Redis Cluster
 * slot and stays atomic on Cluster and Upstash. Nothing else spells these keys.
 */
export function saleKeys(saleId: number) {
  const tag = hashTagged("sale", saleId);
  return {
    /** hash: quantity, sold, opensAt, closesAt, perUserLimit, holdMs, paused, closed (numbers as strings) */
    meta: redisKey(tag, "meta"),
    /** zset: orderId → payment deadline (ms) of every unpaid hold */
    holds: redisKey(tag, "holds"),
    /** hash: orderId → userId for every unpaid hold */
    holders: redisKey(tag, "holders"),
    /** hash: userId → units held or bought (the per-user limit) */
    users: redisKey(tag, "users"),
    /** hash: `${userId}:${idempotencyKey}` → the winning answer, so a repeated submit gets the same order */
    idempotency: redisKey(tag, "idem"),
    /** set: order ids (and `r:<id>` for returns) already applied, so payment/return syncs apply once */
    settled: redisKey(tag, "settled"),
    /** hash per rate window: `u:<userId>` / `i:<ip>` → attempts in that window (key suffix = window index) */
    rateWindowPrefix: redisKey(tag, "rl"),
    /** hash per minute: `a<sec>` / `w<sec>` → attempts / wins in that second (key suffix = epoch minute) */
    timelinePrefix: redisKey(tag, "tl"),
    /** zset: userId → queue score (arrival order; rewritten once by the shuffle/raffle draw) */
    queue: redisKey(tag, "q"),
    /** hash: seq (arrivals), threshold (ranks below it are admitted), drawn (0/1), admitted (total) */
    queueMeta: redisKey(tag, "qmeta"),
    /** zset: userId → admission pass expiry (ms) for admitted people who have not bought yet */
    admitted: redisKey(tag, "admitted"),
    /** string: short lock held while one instance rebuilds the sale's keys from MySQL */
    rebuildLock: redisKey(tag, "rebuild-lock"),
  };
}
export type SaleKeys = ReturnType<typeof saleKeys>;

/** The order of KEYS[] that every sale script expects. */
export function saleScriptKeys(keys: SaleKeys, nowMs = 0, rateWindowMs = 10_000) {
  return [
    keys.meta,
    keys.holds,
    keys.holders,
    keys.users,
    keys.idempotency,
    keys.settled,
    `${keys.rateWindowPrefix}:${Math.floor(nowMs / rateWindowMs)}`,
    timelineKey(keys, Math.floor(nowMs / 60_000)),
    keys.admitted,
  ];
}

/** KEYS[] of the waiting-room scripts: 1 meta, 2 holds, 3 queue, 4 queue meta, 5 admitted, 6 timeline minute. */
export function queueScriptKeys(keys: SaleKeys, nowMs: number) {
  return [keys.meta, keys.holds, keys.queue, keys.queueMeta, keys.admitted, timelineKey(keys, Math.floor(nowMs / 60_000))];
}

export function timelineKey(keys: SaleKeys, epochMinute: number) {
  return `${keys.timelinePrefix}:${epochMinute}`;
}
