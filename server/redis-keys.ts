import { env } from "~/server/env.js";

/**
 * Every key this app writes starts with REDIS_KEY_PREFIX (default `fm:`, trailing separator included), so several
 * environments or test runs can share one Redis and a test run can delete exactly its own keys with `SCAN MATCH`.
 * The prefix is applied here and not by the driver (ioredis `keyPrefix`), so REST and TCP clients see the same keys.
 */
export function keyPrefix(): string {
  return env.REDIS_KEY_PREFIX;
}

/**
 * `redisKey(hashTagged("sale", saleId), "stock")` → `fm:{sale:42}:stock`. Domain `keys.ts` files are the only callers;
 * nothing else spells a key.
 */
export function redisKey(...parts: ReadonlyArray<string | number>): string {
  return keyPrefix() + parts.join(":");
}

/**
 * `{kind:id}`: a Redis Cluster hash tag. Cluster hashes only the text inside the first `{…}`, so every key of one entity
 * (`fm:{sale:42}:stock`, `fm:{sale:42}:buyers`) lands in the same slot and one Lua script or MULTI may touch them all.
 * Keys of different entities must not share a tag, or one hot sale would pin all of them to one node. A single-node
 * Redis ignores the braces, so using tags now costs nothing and keeps scripts cluster-safe later.
 */
export function hashTagged(kind: string, id: string | number): string {
  return `{${kind}:${id}}`;
}
