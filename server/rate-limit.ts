import { Ratelimit } from "@upstash/ratelimit";
import type { Redis } from "@upstash/redis";

import type { AppConfig } from "~/server/config.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { keyPrefix } from "~/server/redis-keys.ts";

/**
 * Every rate limit of the app, in one table: name → algorithm, limit, window.
 * - `tokenBucket`: `limit` attempts at once, then one more every `windowMs`. Its reset is exactly when the next attempt
 *   will pass, so "try again in N seconds" is true (a sliding window's reset is the window's end, after which the
 *   weighted count can still block). Applied by `consumeRateLimit` on @upstash/ratelimit.
 * - `fixedWindow`: `limit` attempts per window of `windowMs`, shared by every app instance. Applied inside the flash
 *   sale's Lua scripts (reserve, queue join), so the hot paths decide limit and outcome in one Redis round trip; the
 *   scripts take these numbers as arguments and never spell their own.
 */
export type RateLimitRule = {
  /** Unique across the app; part of the Redis key. */
  name: string;
  algorithm: "tokenBucket" | "fixedWindow";
  limit: number;
  windowMs: number;
};

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

function tokenBucket(name: string, burst: number, refillEveryMs: number): RateLimitRule {
  return { name, algorithm: "tokenBucket", limit: burst, windowMs: refillEveryMs };
}

function fixedWindow(name: string, limit: number, windowMs: number): RateLimitRule {
  return { name, algorithm: "fixedWindow", limit, windowMs };
}

/** The table. Env-driven numbers come from `config` (server/config.ts); the rest are fixed here. */
function buildRateLimitTable(config: Pick<AppConfig, "saleReserveRateLimit">) {
  const reserve = config.saleReserveRateLimit;
  return {
    // Accounts: each endpoint is limited per client IP and per account (blind index of the email, never the email
    // itself): the IP limit slows credential stuffing across many accounts, the email limit slows guessing one
    // account from many IPs.
    /** Any login attempt. Generous because offices and mobile carriers share addresses. */
    loginIp: tokenBucket("login-ip", 30, 10 * SECOND),
    /** Login attempts per account; a successful login refills it, so it effectively counts consecutive failures. */
    loginEmail: tokenBucket("login-email", 5, 3 * MINUTE),
    signUpIp: tokenBucket("signup-ip", 10, 3 * MINUTE),
    signUpEmail: tokenBucket("signup-email", 3, 10 * MINUTE),
    /** Code guesses. Each code also dies after 5 wrong attempts (EmailVerification.attempts). */
    verifyIp: tokenBucket("verify-ip", 30, 10 * SECOND),
    verifyEmail: tokenBucket("verify-email", 10, 1 * MINUTE),
    /** On top of the 60-second cooldown between two codes for one account. */
    resendIp: tokenBucket("resend-ip", 10, 3 * MINUTE),
    resendEmail: tokenBucket("resend-email", 5, 10 * MINUTE),
    /** Current-password checks by a signed-in session (someone holding a stolen session guessing the password). */
    changePasswordUser: tokenBucket("change-password-user", 5, 10 * MINUTE),

    // The flash sale. Reserve and queue join count every attempt inside their Lua script (see above).
    saleReserveUser: fixedWindow("sale-reserve-user", reserve.perUser, reserve.windowMs),
    saleReserveIp: fixedWindow("sale-reserve-ip", reserve.perIp, reserve.windowMs),
    queueJoinUser: fixedWindow("queue-join-user", 5, 10 * SECOND),
    /** Everyone waiting polls every 2–3.5 s; this only stops a runaway client. */
    queueStatusUser: tokenBucket("queue-status", 10, 1 * SECOND),
  } as const satisfies Record<string, RateLimitRule>;
}

export type RateLimits = ReturnType<typeof buildRateLimitTable>;
export type RateLimitName = keyof RateLimits;

const tables = new WeakMap<object, RateLimits>();

/** The rate-limit table for an app's config, built once per config object. */
export function rateLimitsOf(config: Pick<AppConfig, "saleReserveRateLimit">): RateLimits {
  let table = tables.get(config);
  if (!table) {
    table = buildRateLimitTable(config);
    tables.set(config, table);
  }
  return table;
}

/** The one 429 message, whichever limit refused. The UI shows its own countdown from `data.retryAfterS`. */
export const RATE_LIMITED_MESSAGE = "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.";

/** The one error for a refused attempt: RATE_LIMITED → 429 TOO_MANY_REQUESTS with Retry-After (server/api/errors.ts). */
export function rateLimitedError(rule: RateLimitRule, retryAfterS: number) {
  return new DomainError("RATE_LIMITED", RATE_LIMITED_MESSAGE, { retryAfterS: Math.max(1, Math.ceil(retryAfterS)), details: { limit: rule.name } });
}

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
      limiter: rule.algorithm === "tokenBucket" ? Ratelimit.tokenBucket(1, `${rule.windowMs} ms`, rule.limit) : Ratelimit.fixedWindow(rule.limit, `${rule.windowMs} ms`),
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
 * Takes one attempt from `identifier`'s allowance. Identifiers are IPs, user ids or blind indexes — never a plaintext
 * email, which would put personal data into Redis keys.
 */
export async function consumeRateLimit(redis: Redis, rule: RateLimitRule, identifier: string): Promise<RateLimitResult> {
  const result = await limiterFor(redis, rule).limit(identifier);
  if (result.success) return { success: true, retryAfterS: 0 };
  // The library's reset is wall-clock epoch ms, as stored in Redis.
  return { success: false, retryAfterS: Math.max(1, Math.ceil((result.reset - Date.now()) / 1000)) };
}

/** consumeRateLimit that throws the one RATE_LIMITED error when the attempt is refused. */
export async function enforceRateLimit(redis: Redis, rule: RateLimitRule, identifier: string) {
  const result = await consumeRateLimit(redis, rule, identifier);
  if (!result.success) throw rateLimitedError(rule, result.retryAfterS);
}

/**
 * Gives `identifier` a full bucket again (a successful login clears its failures). This deletes the bucket's one key
 * directly: the library's resetUsedTokens SCANs the whole keyspace inside Lua, which would stall Redis on every
 * login. rate-limit.test.ts pins the key layout this relies on (token buckets only).
 */
export async function resetRateLimit(redis: Redis, rule: RateLimitRule, identifier: string) {
  await redis.del(`${rateLimitPrefix(rule)}:${identifier}`);
}
