import type { Redis } from "@upstash/redis";

import type { AppConfig } from "~/server/config.ts";
import type { SaleTimes } from "~/server/domain/sales/get-sale.ts";
import { PURCHASE_SESSION_RECHECK_MS } from "~/server/domain/sales/purchase-session.ts";
import { createSaleScriptRunner } from "~/server/domain/sales/sale-script.ts";
import type { SaleLiveStatus } from "~/server/domain/sales/sale-state.ts";
import type { SaleOrderInfo } from "~/server/domain/sales/write-hold-orders.ts";
import { rateLimitsOf } from "~/server/rate-limit.ts";

/**
 * A promise cache whose entries live `ttlMs` on the caller's clock (the domain passes `deps.clock`'s now, so tests and
 * the e2e clock move it without waiting). Concurrent readers of a missing entry share one load; a failed load, or one
 * `keep` refuses, is forgotten once it settles, so the next reader asks again.
 */
export class ExpiringCache<Key, Value> {
  readonly #entries = new Map<Key, { value: Promise<Value>; expiresAtMs: number }>();
  readonly #maxEntries: number;
  readonly #keep: (value: Value) => boolean;

  constructor(
    readonly ttlMs: number,
    /** maxEntries: a cache, not a registry, so past this many entries it starts over. */
    options: { maxEntries?: number; keep?: (value: Value) => boolean } = {},
  ) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#keep = options.keep ?? (() => true);
  }

  get(key: Key, nowMs: number, load: () => Promise<Value>): Promise<Value> {
    const cached = this.#entries.get(key);
    if (cached && cached.expiresAtMs > nowMs) return cached.value;
    const value = load();
    if (this.#entries.size >= this.#maxEntries) this.#entries.clear();
    this.#entries.set(key, { value, expiresAtMs: nowMs + this.ttlMs });
    const forget = () => {
      if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
    };
    value.then((settled) => {
      if (!this.#keep(settled)) forget();
    }, forget);
    return value;
  }

  /** Drops one entry, so this instance's next reader loads it again (after a write that changed it). */
  forget(key: Key) {
    this.#entries.delete(key);
  }
}

/** Thousands of viewers polling the same sale share one Redis read per half second per app instance. */
const STATUS_CACHE_MS = 500;
/** Open/close times and state change rarely; caching them keeps status polls off MySQL entirely. */
const TIMES_CACHE_MS = 2_000;
/** Price and product of a sale change only before it opens; a few seconds of caching is one read per batch at most. */
const ORDER_INFO_CACHE_MS = 5_000;

/**
 * The sale's Redis side, built once per app by the composition root (server/app.ts, `deps.saleEngine`):
 * - `run`: the typed script registry's runner (scripts.ts, queue-scripts.ts; EVALSHA with NOSCRIPT fallback);
 * - `limits`: the sale's rows of the app's rate-limit table (server/rate-limit.ts), from `config`;
 * - `caches`: the per-instance caches of sale status, sale times, stock bucket counts, the order info of winning holds and the buyers'
 *   confirmed sessions, whose TTLs run on the clock the caller passes. Per engine, so a test's own app never sees
 *   another app's entries.
 * Tests pass their own through createApp({ saleEngine }) or get a fresh one with createApp({ redis, config }).
 */
export function createSaleEngine(parts: { redis: Redis; config: Pick<AppConfig, "saleReserveRateLimit"> }) {
  const limits = rateLimitsOf(parts.config);
  return {
    run: createSaleScriptRunner(parts.redis),
    limits: {
      reserveUser: limits.saleReserveUser,
      reserveIp: limits.saleReserveIp,
      queueJoin: limits.queueJoinUser,
      queueStatus: limits.queueStatusUser,
    },
    caches: {
      status: new ExpiringCache<number, SaleLiveStatus>(STATUS_CACHE_MS),
      times: new ExpiringCache<number, SaleTimes>(TIMES_CACHE_MS),
      orderInfo: new ExpiringCache<number, SaleOrderInfo>(ORDER_INFO_CACHE_MS),
      // A sale's stock bucket count (sale-buckets.ts): editable only while scheduled, read by every reservation.
      stockBuckets: new ExpiringCache<number, number>(TIMES_CACHE_MS),
      // saleId → until when (ms, caller's clock) every stock bucket was found without a free unit (reserve-unit.ts).
      soldOutHints: new Map<number, number>(),
      // Only "active" is worth remembering; a failed or negative check is asked again next time.
      confirmedSessions: new ExpiringCache<string, boolean>(PURCHASE_SESSION_RECHECK_MS, { maxEntries: 100_000, keep: (isActive) => isActive }),
    },
  };
}

export type SaleEngine = ReturnType<typeof createSaleEngine>;
