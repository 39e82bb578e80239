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

function buildSaleKeys(saleId: number, tag = hashTagged("sale", saleId)) {
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
    /** hash (stock buckets, K > 1): transfer id → "<toBucket>:<units>:<ms>", units given away and not yet received (sale-buckets.ts) */
    xferOut: redisKey(tag, "xfer-out"),
    /** set (stock buckets, K > 1): transfer ids this bucket has received, so each transfer is applied once */
    xferIn: redisKey(tag, "xfer-in"),
  };
}
export type SaleKeys = Readonly<ReturnType<typeof buildSaleKeys>>;

const keysByBucket = new Map<string, SaleKeys>();

/**
 * The keys of one stock bucket of a sale split into `stockBuckets` buckets (sale-buckets.ts). Bucket 0 is the sale's
 * own `{sale:<id>}` keys, so K = 1 is exactly the unsplit sale. Bucket b > 0 has its own copy of the hold keyspace
 * (meta, holds, holders, users, idempotency, settled, rate windows, timeline, transfer journal) under its own hash
 * tag, so its reservation script runs on another slot, ideally another primary (bucketHashTag). The waiting-room keys
 * and the rebuild lock stay in the home slot; a bucket's `admitted` set is its own and always empty (the waiting room
 * is refused with K > 1), present only so the reservation script's keys share one slot.
 */
export function saleBucketKeys(saleId: number, bucket: number, stockBuckets: number): SaleKeys {
  if (bucket === 0) return saleKeys(saleId);
  const memo = `${saleId}:${bucket}:${stockBuckets}`;
  let keys = keysByBucket.get(memo);
  if (!keys) {
    if (keysByBucket.size >= MAX_MEMOIZED_SALES) keysByBucket.clear();
    const home = saleKeys(saleId);
    keys = Object.freeze({
      ...buildSaleKeys(saleId, bucketHashTag(saleId, bucket, stockBuckets)),
      queue: home.queue,
      queueMeta: home.queueMeta,
      rebuildLock: home.rebuildLock,
    });
    keysByBucket.set(memo, keys);
  }
  return keys;
}

const CLUSTER_SLOTS = 16_384;

/**
 * `{sale:<id>:b<b>}`, or `{sale:<id>:b<b>.<n>}` with the smallest n that puts it where it should be: the slot space is
 * cut into K equal ranges, the home tag's range is bucket 0's, and bucket b takes the b-th range after it. A cluster
 * whose primaries own equal slot ranges (what `redis-cli --cluster create` makes) thus serves a sale with K equal to
 * the number of primaries from every primary, whatever the sale id. Pure arithmetic on the id: every instance spells
 * the same keys. With another slot layout the buckets still sit on K different slots, only the spread may be uneven.
 */
export function bucketHashTag(saleId: number, bucket: number, stockBuckets: number): string {
  const wantedRange = (slotRange(clusterKeySlot(`sale:${saleId}`), stockBuckets) + bucket) % stockBuckets;
  for (let salt = 0; ; salt += 1) {
    const inner = salt === 0 ? `sale:${saleId}:b${bucket}` : `sale:${saleId}:b${bucket}.${salt}`;
    if (slotRange(clusterKeySlot(inner), stockBuckets) === wantedRange) return `{${inner}}`;
  }
}

/**
 * Which of `ranges` equal slot ranges a slot is in, cut where `redis-cli --cluster create` cuts them for that many
 * primaries (range r ends at round((r + 1) × 16384 / ranges − 1)): 0–5460, 5461–10922, 10923–16383 for three.
 */
export function slotRange(slot: number, ranges: number): number {
  for (let range = ranges - 1; range > 0; range -= 1) {
    if (slot >= Math.round((range * CLUSTER_SLOTS) / ranges - 1) + 1) return range;
  }
  return 0;
}

/** Redis Cluster's slot of a hash tag's inner text: CRC16/XMODEM mod 16384 (the cluster spec's keyHashSlot). */
export function clusterKeySlot(text: string): number {
  let crc = 0;
  for (const byte of Buffer.from(text, "utf8")) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % CLUSTER_SLOTS;
}

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
