import { describe, expect, it } from "vitest";

import { createRedisClient, redis } from "~/server/redis.ts";
import { consumeRateLimit, resetRateLimit, type RateLimitRule } from "~/server/rate-limit.ts";
import { keyPrefix } from "~/server/redis-keys.ts";
import { uniqueSuffix } from "~/server/testing/factories.ts";

const rule: RateLimitRule = { name: `test-${uniqueSuffix()}`, algorithm: "tokenBucket", limit: 3, windowMs: 60_000 };

describe("rate limits (token buckets on @upstash/ratelimit)", () => {
  it("allows the burst, then blocks with the seconds until the next token", async () => {
    const id = uniqueSuffix();
    const results = [];
    for (let attempt = 0; attempt < 4; attempt++) results.push(await consumeRateLimit(redis, rule, id));
    expect(results.map((result) => result.success)).toEqual([true, true, true, false]);
    expect(results[3]!.retryAfterS).toBeGreaterThan(0);
    expect(results[3]!.retryAfterS).toBeLessThanOrEqual(60);
  });

  it("keeps identifiers and rules apart", async () => {
    const id = uniqueSuffix();
    for (let attempt = 0; attempt < 3; attempt++) await consumeRateLimit(redis, rule, id);
    expect((await consumeRateLimit(redis, rule, uniqueSuffix())).success).toBe(true);
    expect((await consumeRateLimit(redis, { ...rule, name: `${rule.name}-other` }, id)).success).toBe(true);
  });

  it("reset refills the bucket by deleting exactly the library's key (pins the key layout it relies on)", async () => {
    const id = uniqueSuffix();
    for (let attempt = 0; attempt < 3; attempt++) await consumeRateLimit(redis, rule, id);
    expect(await redis.exists(`${keyPrefix()}rl:${rule.name}:${id}`)).toBe(1);
    await resetRateLimit(redis, rule, id);
    expect(await redis.exists(`${keyPrefix()}rl:${rule.name}:${id}`)).toBe(0);
    expect((await consumeRateLimit(redis, rule, id)).success).toBe(true);
  });

  it("fails closed: without Redis the call errors instead of letting the attempt through", async () => {
    const deadRedis = createRedisClient({ url: "redis://127.0.0.1:1", tcp: { connectTimeoutMs: 200, onConnectionLost: () => {} } });
    await expect(consumeRateLimit(deadRedis, rule, uniqueSuffix())).rejects.toThrow();
  });
});
