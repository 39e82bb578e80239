import { Ratelimit, type Duration } from "@upstash/ratelimit";
import type { Redis } from "@upstash/redis";

import { keyPrefix } from "~/server/redis-keys.ts";

/**
 * Named rate limits on @upstash/ratelimit token buckets: `burst` attempts at once, then one more every `refillEvery`.
 * A token bucket's reset is exactly when the next attempt will pass, so "try again in N seconds" is true (a sliding
 * window's reset is the window's end, after which the weighted count can still block).
 */
export type RateLimitRule = {
  /** Unique across the app; part of the Redis key. */
  name: string;
  burst: number;
  refillEvery: Duration;
};

export type RateLimitResult = { success: boolean; retryAfterS: number };

// One Ratelimit per (client, rule). Keyed by client so tests with their own Redis client (outage tests) never share.
const limiters = new WeakMap<Redis, Map<string, Ratelimit>>();

function limiterFor(redis: Redis, rule: RateLimitRule) {
  let byName = limiters.get(redis);
  if (!byName) {
    byName = new Map();
    limiters.set(redis, byName);
  }
  let limiter = byName.get(rule.name);
  if (!limiter) {
    limiter = new Ratelimit({
      redis,
      limiter: Ratelimit.tokenBucket(1, rule.refillEvery, rule.burst),
      prefix: rateLimitPrefix(rule),
      // Every decision comes from Redis: an in-process cache of blocked ids would disagree across instances and
      // keep blocking after a reset.
      ephemeralCache: false,
      // No fail-open timeout: when Redis cannot answer, the request fails instead of slipping past the limit.
      timeout: 0,
      analytics: false,
      enableTelemetry: false,
    });
    byName.set(rule.name, limiter);
  }
  return limiter;
}

function rateLimitPrefix(rule: RateLimitRule) {
  return `${keyPrefix()}rl:${rule.name}`;
}

/**
 * Takes one attempt from `identifier`'s bucket. Identifiers are IPs, user ids or blind indexes — never a plaintext
 * email, which would put personal data into Redis keys.
 */
export async function consumeRateLimit(redis: Redis, rule: RateLimitRule, identifier: string): Promise<RateLimitResult> {
  const result = await limiterFor(redis, rule).limit(identifier);
  if (result.success) return { success: true, retryAfterS: 0 };
  return { success: false, retryAfterS: Math.max(1, Math.ceil((result.reset - Date.now()) / 1000)) };
}

/**
 * Gives `identifier` a full bucket again (a successful login clears its failures). This deletes the bucket's one key
 * directly: the library's resetUsedTokens SCANs the whole keyspace inside Lua, which would stall Redis on every
 * login. rate-limit.test.ts pins the key layout this relies on.
 */
export async function resetRateLimit(redis: Redis, rule: RateLimitRule, identifier: string) {
  await redis.del(`${rateLimitPrefix(rule)}:${identifier}`);
}
