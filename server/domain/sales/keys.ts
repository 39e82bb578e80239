import { hashTagged, redisKey } from "~/server/redis-keys.ts";

// saleId → its keys. Building them is a dozen string joins (≈1 µs), paid by every reservation, queue join and poll;
// they depend only on the id and the process's key prefix, so each sale's are built once. Bounded, because sale ids
// arrive from requests: past this many it starts over.
const keysBySale = new Map<number, SaleKeys>();
const MAX_MEMOIZED_SALES = 10_000;

/**
 * Every key of one sale shares the `{sale:<id>}` hash tag, so the reservation script touches a single Redis Cluster
 * slot and stays atomic on Cluster and Upstash. Nothing else spells these keys. Shared and frozen: read, never edit.
 */
export function saleKeys(saleId: number): SaleKeys {
  let keys = keysBySale.get(saleId);
  if (!keys) {
    if (keysBySale.size >= MAX_MEMOIZED_SALES) keysBySale.clear();
    keys = Object.freeze(buildSaleKeys(saleId));
    keysBySale.set(saleId, keys);
  }
  return keys;
}

function buildSaleKeys(saleId: number) {
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
    /** hash per rate window (see rateWindowKey) */
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
export type SaleKeys = Readonly<ReturnType<typeof buildSaleKeys>>;

/**
 * The hash of one fixed rate-limit window (reserve, queue join): fields `u:<userId>` / `i:<ip>` / `j:<userId>` →
 * attempts in the window. The window length is part of the key, so limits with different windows never share a hash.
 */
export function rateWindowKey(keys: SaleKeys, nowMs: number, windowMs: number) {
  return `${keys.rateWindowPrefix}:${windowMs}:${Math.floor(nowMs / windowMs)}`;
}

export function timelineKey(keys: SaleKeys, epochMinute: number) {
  return `${keys.timelinePrefix}:${epochMinute}`;
}
