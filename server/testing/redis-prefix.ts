import { Redis } from "ioredis";

/** Deletes every key under `prefix` (SCAN + UNLINK), for scripts that ran under a throwaway REDIS_KEY_PREFIX. */
export async function deleteRedisKeysWithPrefix(redisUrl: string, prefix: string) {
  if (prefix.length < 4) throw new Error(`refusing to delete keys under the short prefix "${prefix}"`);
  const redis = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on("error", () => {});
  await redis.connect();
  try {
    const pattern = `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`;
    let deleted = 0;
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1_000);
      if (keys.length > 0) deleted += await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== "0");
    return deleted;
  } finally {
    redis.disconnect();
  }
}
