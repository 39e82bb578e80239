import { Cluster, Redis } from "ioredis";

/** Where Redis is: a single server at `url`, or a Redis Cluster when `clusterNodes` is given (as in RedisClientConfig). */
export type RedisTarget = { url: string; clusterNodes?: readonly string[] | undefined };

export type DirectRedis = Redis | Cluster;

/**
 * A plain ioredis connection (single or cluster) for setup, assertions and cleanup that must not go through the code
 * under test. Connects now and fails at once (no retries) when the target is unreachable.
 */
export async function connectRedisDirect(target: RedisTarget): Promise<DirectRedis> {
  const connection: DirectRedis = target.clusterNodes?.length
    ? new Cluster(
        target.clusterNodes.map((node) => {
          const [host, port] = node.split(":");
          return { host: host!, port: Number(port) };
        }),
        { lazyConnect: true, clusterRetryStrategy: () => null, redisOptions: { connectTimeout: 2_000, maxRetriesPerRequest: 1 } },
      )
    : new Redis(target.url, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 1, retryStrategy: () => null });
  // connect() rejects with the same error; without a listener ioredis also prints it as "Unhandled error event".
  connection.on("error", () => {});
  try {
    await connection.connect();
    await connection.ping();
    return connection;
  } catch (error) {
    connection.disconnect();
    throw error;
  }
}

/**
 * Deletes every key under `prefix` (SCAN + UNLINK). On a cluster SCAN sees only the keys of the node it runs on, so it
 * runs on every primary, and keys are unlinked one per command (one UNLINK of keys from several slots is CROSSSLOT).
 */
export async function deleteKeysWithPrefix(connection: DirectRedis, prefix: string): Promise<number> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`;
  const nodes = connection instanceof Cluster ? connection.nodes("master") : [connection];
  let deleted = 0;
  for (const node of nodes) {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", pattern, "COUNT", 1_000);
      if (keys.length > 0) {
        const results = await node.pipeline(keys.map((key) => ["unlink", key])).exec();
        for (const [error, count] of results ?? []) {
          if (error) throw error;
          deleted += Number(count);
        }
      }
      cursor = next;
    } while (cursor !== "0");
  }
  return deleted;
}

/** Deletes every key under `prefix`, for scripts that ran under a throwaway REDIS_KEY_PREFIX. */
export async function deleteRedisKeysWithPrefix(target: string | RedisTarget, prefix: string) {
  if (prefix.length < 4) throw new Error(`refusing to delete keys under the short prefix "${prefix}"`);
  const connection = await connectRedisDirect(typeof target === "string" ? { url: target } : target);
  try {
    return await deleteKeysWithPrefix(connection, prefix);
  } finally {
    connection.disconnect();
  }
}
