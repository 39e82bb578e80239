// The requester over a real Redis Cluster (scripts/redis-cluster.sh start; vitest.cluster.config.ts runs this file with
// REDIS_CLUSTER_NODES set). Every key lives under `<REDIS_KEY_PREFIX>redis-cluster-test:` and is deleted in afterAll.
import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import type { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { env } from "~/server/env.js";
import {
  closeRedis,
  createClusterRequester,
  createRedisClient,
  CrossSlotError,
  parseClusterNodes,
  redis,
  redisClientConfigFromEnv,
  RedisUnavailableError,
} from "~/server/redis.ts";
import { hashTagged, redisKey } from "~/server/redis-keys.ts";
import { connectRedisDirect, deleteKeysWithPrefix } from "~/server/testing/redis-prefix.ts";

const clusterNodes = parseClusterNodes(env.REDIS_CLUSTER_NODES);
let raw: Cluster;
let keySeq = 0;
const testKey = (...parts: Array<string | number>) => redisKey("redis-cluster-test", ...parts, ++keySeq);

type SlotRange = [start: number, end: number, primary: [host: string, port: number, id: string]];

/** The port of the primary that owns `key`'s slot, as the cluster itself reports it. */
async function primaryPortOf(key: string): Promise<number> {
  const slot = Number(await raw.cluster("KEYSLOT", key));
  const ranges = (await raw.cluster("SLOTS")) as unknown as SlotRange[];
  const owner = ranges.find(([start, end]) => slot >= start && slot <= end);
  if (!owner) throw new Error(`no primary owns slot ${slot}`);
  return owner[2][1];
}

/** One key on each of `count` different primaries (different hash tags until they land on distinct nodes). */
async function keysOnDistinctPrimaries(name: string, count: number): Promise<string[]> {
  const byPort = new Map<number, string>();
  for (let tag = 0; byPort.size < count && tag < 200; tag += 1) {
    const key = testKey(hashTagged(name, `${keySeq}-${tag}`));
    const port = await primaryPortOf(key);
    if (!byPort.has(port)) byPort.set(port, key);
  }
  if (byPort.size < count) throw new Error(`the cluster has fewer than ${count} primaries`);
  return [...byPort.values()];
}

beforeAll(async () => {
  if (!clusterNodes) throw new Error("REDIS_CLUSTER_NODES is not set: run this file through vitest.cluster.config.ts");
  raw = (await connectRedisDirect({ url: env.REDIS_URL, clusterNodes })) as Cluster;
});

afterAll(async () => {
  await deleteKeysWithPrefix(raw, redisKey("redis-cluster-test"));
  raw.disconnect();
  await closeRedis();
});

describe("the app's client on a Redis Cluster", () => {
  it("is configured from REDIS_CLUSTER_NODES and spreads keys over the primaries", async () => {
    expect(redisClientConfigFromEnv().clusterNodes).toEqual(clusterNodes);
    const keys = await keysOnDistinctPrimaries("spread", 3);

    for (const [index, key] of keys.entries()) expect(await redis.set(key, { index })).toBe("OK");
    for (const [index, key] of keys.entries()) expect(await redis.get(key)).toEqual({ index });
    // Written where the cluster says each key lives (not all on the seed node).
    const ports = await Promise.all(keys.map((key) => primaryPortOf(key)));
    expect(new Set(ports).size).toBe(3);
    for (const key of keys) expect(await raw.get(key)).not.toBeNull();
  });

  it("answers a fresh client's first burst while its node connections are still opening", async () => {
    const client = createRedisClient(redisClientConfigFromEnv());
    try {
      const keys = Array.from({ length: 300 }, (_, index) => testKey(hashTagged("burst", index)));
      expect(await Promise.all(keys.map((key) => client.incr(key)))).toEqual(keys.map(() => 1));
      expect(await Promise.all(keys.map((key) => client.pipeline().incr(key).get(key).exec()))).toEqual(keys.map(() => [2, 2]));
    } finally {
      await closeRedis(client);
    }
    const startedAt = performance.now();
    await expect(client.get(testKey("after-close"))).rejects.toBeInstanceOf(RedisUnavailableError);
    expect(performance.now() - startedAt).toBeLessThan(500);
  });

  it("pipelines commands of one hash slot, and answers a pipeline across slots in order", async () => {
    const tag = hashTagged("pipe", keySeq);
    const [stock, buyers] = [testKey(tag, "stock"), testKey(tag, "buyers")];
    expect(await redis.pipeline().set(stock, 3).decr(stock).hset(buyers, { u1: 1 }).hgetall(buyers).get(stock).exec()).toEqual([
      "OK",
      2,
      1,
      { u1: 1 },
      2,
    ]);

    const [a, b, c] = await keysOnDistinctPrimaries("pipe-across", 3);
    const results = await redis.pipeline().set(a!, 1).incr(b!).incr(a!).get(a!).get(b!).incr(c!).get(c!).exec();
    expect(results).toEqual(["OK", 1, 2, 2, 1, 1, 1]);

    const kept = await redis.pipeline().set(a!, "text").incr(a!).incr(b!).exec({ keepErrors: true });
    expect(kept[1]!.error).toMatch(/not an integer/);
    expect(kept[2]).toEqual({ error: undefined, result: 2 });
  });

  it("runs MULTI/EXEC within one hash slot and refuses one across slots before sending anything", async () => {
    const tag = hashTagged("tx", keySeq);
    const [first, second] = [testKey(tag, "a"), testKey(tag, "b")];
    expect(await redis.multi().set(first, 1).incr(first).set(second, "done").exec()).toEqual(["OK", 2, "OK"]);

    const [x, y] = await keysOnDistinctPrimaries("tx-across", 2);
    const refused = await redis.multi().set(x!, 1).set(y!, 1).exec().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CrossSlotError);
    expect((refused as Error).message).toMatch(/one hash slot/);
    expect([await raw.exists(x!), await raw.exists(y!)]).toEqual([0, 0]);
  });

  it("runs scripts on the node that owns their keys, with NOSCRIPT → EVAL per node", async () => {
    const keys = await keysOnDistinctPrimaries("script", 3);
    const script = redis.createScript<number>("return redis.call('INCRBY', KEYS[1], ARGV[1])");
    // Each primary has its own script cache: the first call on each node falls back to EVAL, later ones use EVALSHA.
    for (const key of keys) expect(await script.exec([key], ["5"])).toBe(5);
    for (const key of keys) expect(await script.exec([key], ["1"])).toBe(6);

    const tag = hashTagged("script-multi", keySeq);
    const move = "redis.call('SET', KEYS[2], redis.call('GET', KEYS[1])); return redis.call('GET', KEYS[2])";
    const [from, to] = [testKey(tag, "from"), testKey(tag, "to")];
    await redis.set(from, "x");
    expect(await redis.eval(move, [from, to], [])).toBe("x");

    // A script whose keys span slots is a command error from Redis, not an outage.
    const failure = await redis.eval(move, [keys[0]!, keys[1]!], []).catch((error: unknown) => error);
    expect((failure as Error).message).toMatch(/CROSSSLOT/);
    expect(failure).not.toBeInstanceOf(RedisUnavailableError);
  });

  it("runs @upstash/ratelimit's token bucket (one key per identifier) across primaries", async () => {
    const ratelimit = new Ratelimit({
      redis,
      limiter: Ratelimit.tokenBucket(1, "10 s", 2),
      prefix: testKey("ratelimit"),
      ephemeralCache: false,
      analytics: false,
    });
    for (const identifier of ["user-1", "user-2", "user-3", "user-4"]) {
      const outcomes: boolean[] = [];
      for (let attempt = 0; attempt < 3; attempt += 1) outcomes.push((await ratelimit.limit(identifier)).success);
      expect(outcomes).toEqual([true, true, false]);
    }
  });

  // A client whose slot map is stale (another node took the slot over, as after resharding or a failover) is told
  // MOVED by the old owner; ASK covers keys caught mid-migration. ioredis follows both.
  it("follows MOVED and ASK when a slot moves to another primary", async () => {
    const client = createRedisClient(redisClientConfigFromEnv());
    const tag = hashTagged("moving", keySeq);
    const key = testKey(tag);
    const slot = Number(await raw.cluster("KEYSLOT", key));
    try {
      expect(await client.set(key, "before")).toBe("OK");
      const sourcePort = await primaryPortOf(key);
      const primaries = raw.nodes("master");
      const source = primaries.find((node) => node.options.port === sourcePort)!;
      const target = primaries.find((node) => node.options.port !== sourcePort)!;
      const [sourceId, targetId] = await Promise.all([source.cluster("MYID"), target.cluster("MYID")]);

      async function moveSlot(from: typeof source, to: typeof target, fromId: string, toId: string) {
        await to.cluster("SETSLOT", slot, "IMPORTING", fromId);
        await from.cluster("SETSLOT", slot, "MIGRATING", toId);
        const keys = (await from.cluster("GETKEYSINSLOT", slot, 100)) as string[];
        if (keys.length > 0) await from.migrate(to.options.host!, to.options.port!, "", 0, 5_000, "KEYS", ...keys);
        for (const node of primaries) await node.cluster("SETSLOT", slot, "NODE", toId);
      }

      await moveSlot(source, target, sourceId as string, targetId as string);
      expect(await primaryPortOf(key)).toBe(target.options.port);
      expect(await client.get(key)).toBe("before"); // sent to the old owner, answered after MOVED
      expect(await client.set(key, "after")).toBe("OK");

      // Half-way through moving it back: the key is still on the target, new keys of the slot go by ASK.
      await source.cluster("SETSLOT", slot, "IMPORTING", targetId);
      await target.cluster("SETSLOT", slot, "MIGRATING", sourceId);
      const fresh = testKey(tag, "fresh");
      expect(Number(await raw.cluster("KEYSLOT", fresh))).toBe(slot);
      expect(await client.set(fresh, "asked")).toBe("OK");
      expect(await client.get(key)).toBe("after");

      await moveSlot(target, source, targetId as string, sourceId as string);
      expect(await client.mget(key, fresh)).toEqual(["after", "asked"]);
    } finally {
      await closeRedis(client);
    }
  });

  it("rejects fast with RedisUnavailableError when no node answers", async () => {
    const lost: Error[] = [];
    const requester = createClusterRequester(["127.0.0.1:1"], { onConnectionLost: (error) => lost.push(error) });
    const client = new Redis(requester);
    try {
      const startedAt = performance.now();
      await expect(client.get("any")).rejects.toBeInstanceOf(RedisUnavailableError);
      await expect(client.pipeline().get("a").get("b").exec()).rejects.toBeInstanceOf(RedisUnavailableError);
      expect(performance.now() - startedAt).toBeLessThan(5_000);
      expect(lost.length).toBeGreaterThanOrEqual(1);
    } finally {
      await requester.close();
    }
  });
});
