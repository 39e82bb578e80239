import { randomUUID } from "node:crypto";

import type { Redis } from "@upstash/redis";

import { logger } from "~/server/logger.ts";
import { paymentBreakerKeys } from "~/server/payments/keys.ts";

/** How long an instance trusts its last read of the shared state: at most one Redis read per this period, not per payment. */
export const SHARED_BREAKER_CACHE_MS = 250;

export type SharedCircuit = { state: "closed" } | { state: "open"; retryAfterMs: number } | { state: "half-open" };

export type SharedBreaker = {
  /** The shared state, from a cache at most `cacheMs` old (a read is shared by concurrent callers). */
  check(): Promise<SharedCircuit>;
  /** The last state read, without Redis (for status pages). */
  peek(): SharedCircuit;
  /** This instance's breaker opened: every instance fails fast until `openUntilMs`. */
  publishOpen(openUntilMs: number): Promise<void>;
  /** Half-open: true for the one instance that may send the trial call (a lease, so a crashed prober is replaced). */
  tryAcquireProbe(): Promise<boolean>;
  /** The trial call got an answer from the provider: closed for everyone. */
  probeSucceeded(): Promise<void>;
  /** The trial call failed: open again for a full cool-down. */
  probeFailed(): Promise<void>;
  /** The trial call was not sent after all (this instance's own breaker refused it): let another instance try. */
  releaseProbe(): Promise<void>;
};

/**
 * One provider's circuit as every app instance sees it, kept in Redis next to each instance's own breaker: an instance
 * that opens its breaker records until when the provider is off limits, and the others treat that as their own open
 * breaker. After the cool-down the circuit is half-open for everyone, and exactly one instance at a time (the holder of
 * a short lease) sends the trial call that closes or reopens it.
 *
 * Redis is an optimisation here, never a dependency: when it cannot answer, instances fall back to their own breakers.
 * The `open` key expires one cool-down after `openUntil`, so a circuit nobody probes (no traffic) closes by itself.
 */
export function createSharedBreaker(options: {
  redis: Redis;
  provider: string;
  halfOpenAfterMs: number;
  probeLeaseMs: number;
  cacheMs?: number;
  now?: () => number;
}): SharedBreaker {
  const keys = paymentBreakerKeys(options.provider);
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? SHARED_BREAKER_CACHE_MS;
  const instanceId = randomUUID();

  // openUntil from the last read (null: no shared open), and when that read happened.
  let openUntil: number | null = null;
  let readAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | null = null;

  function remember(value: number | null) {
    openUntil = value;
    readAt = now();
  }

  function view(): SharedCircuit {
    if (openUntil === null) return { state: "closed" };
    const remainingMs = openUntil - now();
    return remainingMs > 0 ? { state: "open", retryAfterMs: remainingMs } : { state: "half-open" };
  }

  async function read() {
    try {
      const value = await options.redis.get<string | number>(keys.open);
      remember(value === null ? null : Number(value));
    } catch (error) {
      // Fall back to the local breaker until the next read; the failed read is cached like a successful one.
      logger.warn({ err: error, provider: options.provider }, "shared payment circuit unreadable: using this instance's breaker only");
      remember(null);
    }
  }

  async function write(action: string, run: () => Promise<unknown>) {
    try {
      await run();
    } catch (error) {
      logger.warn({ err: error, provider: options.provider, action }, "could not update the shared payment circuit");
    }
  }

  const ttlAfter = (until: number) => Math.max(1, until + options.halfOpenAfterMs - now());

  return {
    async check() {
      if (now() - readAt >= cacheMs) {
        reading ??= read().finally(() => {
          reading = null;
        });
        await reading;
      }
      return view();
    },

    peek: view,

    async publishOpen(openUntilMs) {
      remember(openUntilMs);
      await write("open", () => options.redis.set(keys.open, openUntilMs, { px: ttlAfter(openUntilMs) }));
    },

    async tryAcquireProbe() {
      try {
        return (await options.redis.set(keys.probe, instanceId, { nx: true, px: options.probeLeaseMs })) === "OK";
      } catch (error) {
        // Without Redis nobody coordinates; this instance's own breaker decides alone.
        logger.warn({ err: error, provider: options.provider }, "shared payment circuit unreachable: probing without a lease");
        return true;
      }
    },

    async probeSucceeded() {
      remember(null);
      await write("close", () => options.redis.del(keys.open, keys.probe));
    },

    async probeFailed() {
      const until = now() + options.halfOpenAfterMs;
      remember(until);
      await write("reopen", () => options.redis.pipeline().set(keys.open, until, { px: ttlAfter(until) }).del(keys.probe).exec());
    },

    async releaseProbe() {
      await write("release probe", () => options.redis.del(keys.probe));
    },
  };
}
