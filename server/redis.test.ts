// Runs against the real Redis at REDIS_URL. Every key lives under `<REDIS_KEY_PREFIX>redis-test:` and is deleted in
// afterAll; the prefix is unique per run (the harness sets it, else `fmtest:redis:<pid>:`).
import { createHash } from "node:crypto";
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";

import { Ratelimit } from "@upstash/ratelimit";
import { Redis, type UpstashResponse } from "@upstash/redis";
import { Redis as IORedis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "~/server/testing/eventually.ts";

// server/env.js reads process.env once, on first import: set the prefix before anything imports it.
process.env.REDIS_KEY_PREFIX ??= `fmtest:redis:${process.pid}:`;
await import("~/server/load-env.ts");
const { closeRedis, createRedisClient, createTcpRequester, redis, RedisUnavailableError, withRawReplies } = await import(
  "~/server/redis.ts"
);
const { hashTagged, keyPrefix, redisKey } = await import("~/server/redis-keys.ts");
const { env } = await import("~/server/env.js");

const sha1 = (text: string) => createHash("sha1").update(text, "utf8").digest("hex");
const noop = () => {};

let keySeq = 0;
/** A fresh key per use, so tests never see each other's data. */
const testKey = (name: string) => redisKey("redis-test", name, ++keySeq);

async function elapsedMs(promise: Promise<unknown>): Promise<number> {
  const start = performance.now();
  await promise.catch(noop);
  return performance.now() - start;
}

/**
 * A TCP proxy in front of Redis that a test can cut (drop live connections, keep listening: a connection reset)
 * or stop (also refuse new ones: Redis is down) and start again on the same port.
 */
async function startRedisProxy(redisUrl: string) {
  const target = new URL(redisUrl);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

  function cut() {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  }

  async function start() {
    const listening = createServer((client) => {
      const upstream = connect(Number(target.port || 6379), target.hostname);
      sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on("error", drop).on("close", drop);
      upstream.on("error", drop).on("close", drop);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      listening.once("error", reject).listen(port, "127.0.0.1", resolve);
    });
    port = (listening.address() as AddressInfo).port;
    server = listening;
  }

  async function stop() {
    cut();
    const stopping = server;
    server = undefined;
    if (stopping) await new Promise((resolve) => stopping.close(resolve));
  }

  await start();
  return { url: `redis://127.0.0.1:${port}`, cut, start, stop };
}

// Direct connection for setup/assertions that must not go through the code under test.
const raw = new IORedis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });

beforeAll(async () => {
  await raw.connect();
});

afterAll(async () => {
  const pattern = `${redisKey("redis-test").replace(/[*?[\]\\]/g, "\\$&")}*`;
  let cursor = "0";
  do {
    const [next, keys] = await raw.scan(cursor, "MATCH", pattern, "COUNT", 500);
    if (keys.length > 0) await raw.unlink(...keys);
    cursor = next;
  } while (cursor !== "0");
  raw.disconnect();
  await closeRedis();
});

describe("single commands over the TCP requester", () => {
  it("runs string, counter, hash and expiry commands", async () => {
    const key = testKey("str");
    expect(await redis.set(key, "hello")).toBe("OK");
    expect(await redis.get(key)).toBe("hello");

    const counter = testKey("counter");
    expect(await redis.incr(counter)).toBe(1);
    expect(await redis.incrby(counter, 41)).toBe(42);

    const hash = testKey("hash");
    expect(await redis.hset(hash, { name: "Lamp", stock: 3 })).toBe(2);
    expect(await redis.hgetall(hash)).toEqual({ name: "Lamp", stock: 3 });
    expect(await redis.hget(hash, "missing")).toBeNull();

    expect(await redis.expire(key, 100)).toBe(1);
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(90);
    expect(ttl).toBeLessThanOrEqual(100);

    expect(await redis.del(key, counter, hash)).toBe(3);
    expect(await redis.get(key)).toBeNull();
    expect(await redis.ttl(key)).toBe(-2);
  });

  it("gives each of many commands sent in one turn its own reply, in order", async () => {
    const counter = testKey("same-turn");
    const values = await Promise.all(Array.from({ length: 500 }, (_, index) => (index % 2 ? redis.incr(counter) : redis.get<number>(counter))));

    // A GET sent after k INCRs (in the same turn) sees exactly k: nothing was reordered, merged or lost.
    expect(values).toEqual(Array.from({ length: 500 }, (_, index) => (index % 2 ? (index + 1) / 2 : index === 0 ? null : index / 2)));
    expect(await redis.get(counter)).toBe(250);
  });

  it("answers HGETALL with the REST API's flat array at the requester level", async () => {
    const hash = testKey("hash-raw");
    await raw.hset(hash, "a", "1", "b", "two");
    const requester = createTcpRequester(env.REDIS_URL);
    try {
      expect(await requester.request({ body: ["hgetall", hash] })).toEqual({ result: ["a", "1", "b", "two"] });
      expect(await requester.request({ body: ["get", testKey("absent")] })).toEqual({ result: null });
    } finally {
      await requester.close();
    }
  });

  it("auto-deserializes JSON and numbers by default, and not when disabled", async () => {
    const key = testKey("json");
    const value = { id: 7, tags: ["a", "b"], nested: { ok: true } };
    await redis.set(key, value);
    expect(await raw.get(key)).toBe(JSON.stringify(value));
    expect(await redis.get(key)).toEqual(value);

    const numeric = testKey("numeric");
    await raw.set(numeric, "123");
    expect(await redis.get(numeric)).toBe(123);

    const flag = testKey("flag");
    await redis.set(flag, true);
    expect(await raw.get(flag)).toBe("true");
    expect(await redis.get(flag)).toBe(true);

    const plain = createRedisClient({ url: env.REDIS_URL, automaticDeserialization: false });
    try {
      expect(await plain.get(numeric)).toBe("123");
      expect(await plain.get(key)).toBe(JSON.stringify(value));
    } finally {
      await closeRedis(plain);
    }
  });

  it("has a raw-replies twin on the same connection, for replies that are not JSON", async () => {
    const numeric = testKey("twin");
    await raw.set(numeric, "123");
    const twin = withRawReplies(redis);

    expect(twin).not.toBe(redis);
    expect(await twin.get(numeric)).toBe("123");
    expect(await redis.get(numeric)).toBe(123);
    expect(await twin.eval("return {'SOLD_OUT', ARGV[1]}", [], ["007"])).toEqual(["SOLD_OUT", "007"]);
    // A client made elsewhere has no twin and is used as it is.
    const foreign = new Redis(createTcpRequester(env.REDIS_URL));
    expect(withRawReplies(foreign)).toBe(foreign);
  });

  it("reports a Redis error reply as UpstashError, not as an outage", async () => {
    const key = testKey("wrongtype");
    await raw.set(key, "not a number");
    const failure = await redis.incr(key).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/not an integer/);
    expect(failure).not.toBeInstanceOf(RedisUnavailableError);
  });
});

describe("pipeline and multi-exec", () => {
  it("pipelines commands and deserializes each result", async () => {
    const key = testKey("p-json");
    const counter = testKey("p-counter");
    const hash = testKey("p-hash");
    const results = await redis
      .pipeline()
      .set(key, { n: 1 })
      .incr(counter)
      .incr(counter)
      .get(key)
      .hset(hash, { f: "v" })
      .hgetall(hash)
      .exec();
    expect(results).toEqual(["OK", 1, 2, { n: 1 }, 1, { f: "v" }]);
  });

  it("reports a failing command in a pipeline without hiding the others", async () => {
    const key = testKey("p-fail");
    const pipeline = () => redis.pipeline().set(key, "abc").incr(key).get(key);

    await expect(pipeline().exec()).rejects.toThrow(/Command 2 \[ incr \] failed: ERR value is not an integer/);

    const kept = await pipeline().exec({ keepErrors: true });
    expect(kept[0]).toEqual({ error: undefined, result: "OK" });
    expect(kept[1].error).toMatch(/not an integer/);
    expect(kept[2]).toEqual({ error: undefined, result: "abc" });
  });

  it("runs MULTI/EXEC atomically; a runtime error fails only its own command", async () => {
    const key = testKey("tx");
    const after = testKey("tx-after");
    const results = await redis.multi().set(key, "abc").incr(key).set(after, "done").exec({ keepErrors: true });

    expect(results[0]).toEqual({ error: undefined, result: "OK" });
    expect(results[1].error).toMatch(/not an integer/);
    expect(results[2]).toEqual({ error: undefined, result: "OK" });
    // Redis does not roll back: the commands around the failing one ran.
    expect(await raw.get(after)).toBe("done");

    const ok = await redis.multi().incr(testKey("tx-n")).get(key).exec();
    expect(ok).toEqual([1, "abc"]);
  });

  it("fails every command of a transaction Redis refused to queue (EXECABORT)", async () => {
    const key = testKey("tx-abort");
    const requester = createTcpRequester(env.REDIS_URL);
    try {
      const response = (await requester.request({
        path: ["multi-exec"],
        body: [
          ["set", key, "1"],
          ["nosuchcommand", key],
        ],
      })) as unknown as UpstashResponse<unknown>[];

      expect(response).toHaveLength(2);
      for (const entry of response) expect(entry.error).toMatch(/EXECABORT.*unknown command/);
      expect(await raw.exists(key)).toBe(0);
    } finally {
      await requester.close();
    }
  });
});

describe("scripts", () => {
  it("runs EVAL, SCRIPT LOAD and EVALSHA", async () => {
    const key = testKey("eval");
    const lua = "redis.call('SET', KEYS[1], ARGV[1]); return {KEYS[1], redis.call('GET', KEYS[1])}";
    expect(await redis.eval(lua, [key], ["v1"])).toEqual([key, "v1"]);

    const sha = await redis.scriptLoad(lua);
    expect(sha).toBe(sha1(lua));
    expect(await redis.evalsha(sha, [key], ["v2"])).toEqual([key, "v2"]);
  });

  it("falls back from NOSCRIPT to EVAL after SCRIPT FLUSH (createScript)", async () => {
    const key = testKey("script-incr");
    const script = redis.createScript<number>("return redis.call('INCR', KEYS[1])");

    expect(await script.exec([key], [])).toBe(1);
    expect(await script.evalsha([key], [])).toBe(2);

    await raw.script("FLUSH");
    await expect(script.evalsha([key], [])).rejects.toThrow(/NOSCRIPT/);
    expect(await script.exec([key], [])).toBe(3);
    // EVAL also caches the script, so EVALSHA works again.
    expect(await script.evalsha([key], [])).toBe(4);
  });

  it("strips a `#!lua flags=…` line Redis OSS rejects and maps the caller's sha to the stored one", async () => {
    const key = testKey("shebang");
    const lua = "#!lua flags=allow-key-locking\nreturn redis.call('INCR', KEYS[1])";
    const stored = "\nreturn redis.call('INCR', KEYS[1])";
    await expect(raw.eval(lua, 1, key)).rejects.toThrow(/Unexpected flag in script shebang/);

    await raw.script("FLUSH");
    const script = redis.createScript<number>(lua);
    expect(await script.exec([key], [])).toBe(1); // EVALSHA → NOSCRIPT → EVAL of the stripped text
    expect(await redis.scriptExists(sha1(stored))).toEqual([1]);
    expect(await script.evalsha([key], [])).toBe(2); // sha1(lua) now maps to sha1(stored)

    expect(await redis.scriptLoad(lua)).toBe(sha1(lua));
    expect(await redis.evalsha(sha1(lua), [key], [])).toBe(3);

    // Line numbers in Lua errors still match the original source (the shebang line is blanked, not removed).
    const failing = "#!lua flags=allow-key-locking\nreturn redis.call('NOSUCHCMD')";
    await expect(redis.eval(failing, [], [])).rejects.toThrow(/Unknown Redis command .*@user_script:2\b/);
  });
});

describe("@upstash/ratelimit over the TCP requester", () => {
  const limiters = {
    slidingWindow: Ratelimit.slidingWindow(3, "10 s"),
    fixedWindow: Ratelimit.fixedWindow(3, "10 s"),
    tokenBucket: Ratelimit.tokenBucket(1, "10 s", 3),
  };

  for (const [name, limiter] of Object.entries(limiters)) {
    it(`${name} allows 3 and then limits`, async () => {
      const ratelimit = new Ratelimit({
        redis,
        limiter,
        prefix: redisKey("redis-test", "ratelimit", name, ++keySeq),
        ephemeralCache: false,
        analytics: false,
      });

      const outcomes: boolean[] = [];
      for (let i = 0; i < 5; i++) outcomes.push((await ratelimit.limit("user-1")).success);
      expect(outcomes).toEqual([true, true, true, false, false]);

      // Limits are per identifier.
      expect((await ratelimit.limit("user-2")).success).toBe(true);
    });
  }
});

describe("createRedisClient", () => {
  it("uses REST only when both REST settings are present", () => {
    expect(createRedisClient({ url: env.REDIS_URL, restUrl: "https://rest.example", restToken: "t" })).toBeInstanceOf(
      Redis,
    );
    expect(() => createRedisClient({ url: env.REDIS_URL, restUrl: "https://rest.example" })).toThrow(
      /must be set together/,
    );
    expect(() => createRedisClient({ url: env.REDIS_URL, restToken: "t" })).toThrow(/must be set together/);
  });
});

describe("key prefixing", () => {
  it("prefixes every key with REDIS_KEY_PREFIX and builds cluster hash tags", async () => {
    expect(keyPrefix()).toBe(process.env.REDIS_KEY_PREFIX);
    expect(redisKey("sale", 42, "stock")).toBe(`${keyPrefix()}sale:42:stock`);
    expect(hashTagged("sale", 42)).toBe("{sale:42}");

    const key = redisKey("redis-test", hashTagged("sale", 42), "stock");
    expect(key).toBe(`${keyPrefix()}redis-test:{sale:42}:stock`);
    await redis.set(key, 5);
    expect(await raw.get(key)).toBe("5");
  });
});

describe("outages", () => {
  it("rejects fast with a clear error when nothing listens", async () => {
    const lost: Error[] = [];
    const client = new Redis(createTcpRequester("redis://127.0.0.1:1", { onConnectionLost: (e) => lost.push(e) }));
    try {
      const first = client.get("any");
      await expect(first).rejects.toBeInstanceOf(RedisUnavailableError);
      await expect(first).rejects.toThrow(/Redis unavailable at 127\.0\.0\.1:1: .*ECONNREFUSED/);
      expect(await elapsedMs(client.get("any"))).toBeLessThan(3_000);
      expect(await elapsedMs(client.pipeline().get("a").get("b").exec())).toBeLessThan(3_000);
      expect(lost).toHaveLength(1); // one report per outage, not per retry
    } finally {
      await closeRedis(client);
    }
  });

  it("fails fast while Redis is away and recovers by itself when it returns", async () => {
    const proxy = await startRedisProxy(env.REDIS_URL);
    const client = createRedisClient({ url: proxy.url, tcp: { onConnectionLost: noop } });
    const key = testKey("recovery");
    try {
      expect(await client.set(key, "before")).toBe("OK");

      await proxy.stop();
      const failure = client.get(key);
      await expect(failure).rejects.toBeInstanceOf(RedisUnavailableError);
      expect(await elapsedMs(client.get(key))).toBeLessThan(3_000);

      await proxy.start();
      expect(await eventually(() => client.get(key), { timeoutMs: 5_000 })).toBe("before");
      expect(await client.set(key, "after")).toBe("OK");
      expect(await raw.get(key)).toBe("after");
    } finally {
      await closeRedis(client);
      await proxy.stop();
    }
  });

  // A reset connection that reconnects at once is the case where ioredis would otherwise re-send the command (running
  // it twice) or, with re-sending off and a retry budget, leave its promise pending forever.
  it("fails a command in flight when the connection resets, and never runs it twice", async () => {
    const proxy = await startRedisProxy(env.REDIS_URL);
    const client = createRedisClient({ url: proxy.url, tcp: { onConnectionLost: noop } });
    const key = testKey("in-flight");
    // Increments, then keeps Redis busy for 200 ms so the connection can be cut before the reply is written.
    const slowIncrement = `
      local n = redis.call('INCR', KEYS[1])
      local t0 = redis.call('TIME')
      repeat local t = redis.call('TIME') until (t[1] - t0[1]) * 1000000 + (t[2] - t0[2]) > 200000
      return n`;
    try {
      await client.ping();
      const inFlight = client.eval(slowIncrement, [key], []);
      await new Promise((resolve) => setTimeout(resolve, 50));
      proxy.cut();
      await expect(inFlight).rejects.toBeInstanceOf(RedisUnavailableError);

      expect(await eventually(() => client.get(key), { timeoutMs: 5_000 })).toBe(1);
      expect(await raw.get(key)).toBe("1");
    } finally {
      await closeRedis(client);
      await proxy.stop();
    }
  });
});
