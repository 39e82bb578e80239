// Runs once per `vitest` run in the main process: one migrated database and one Redis key prefix for the whole
// run, handed to workers through provide()/inject() (read by setup-env.ts). Teardown removes both.
import "~/server/load-env.ts";

import { availableParallelism } from "node:os";

import { Redis } from "ioredis";
import type { TestProject } from "vitest/node";

import { DatabaseUnreachableError } from "~/scripts/migrate.ts";
import { env } from "~/server/env.js";
import { createPaymentSandbox } from "~/server/payment-sandbox/server.ts";
import { createMigratedDatabase, createTestRunId, dropDatabase, withDatabaseName } from "~/server/testing/db-url.ts";

async function connectRedis(redisUrl: string) {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  // connect() rejects with the same error; without a listener ioredis also prints it as "Unhandled error event".
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    const { hostname, port } = new URL(redisUrl);
    throw new Error(
      `Redis is not reachable at ${hostname}:${port || 6379} — start it with: redis-server --daemonize yes ` +
        "(or: docker compose up -d redis)",
      { cause: error },
    );
  }
}

async function deleteKeysWithPrefix(redis: Redis, prefix: string) {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 500);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== "0");
}

export default async function setup(project: TestProject) {
  const runId = createTestRunId();
  const redisKeyPrefix = `fmtest:${runId}:`;

  // Redis first: it holds nothing yet, so failing here leaves no database behind.
  const redis = await connectRedis(env.REDIS_URL);
  // One database per worker process: test files in different workers run at the same time, and due-work tests move
  // time forward and sweep everything that is due, so a shared database would let one file act on another's rows.
  const workerCount = Math.max(1, availableParallelism());
  const databaseUrls: string[] = [];
  try {
    for (let worker = 1; worker <= workerCount; worker += 1) {
      databaseUrls.push(await createMigratedDatabase(env.DATABASE_URL, `flashmart_test_${runId}_w${worker}`));
    }
  } catch (error) {
    redis.disconnect();
    // A migration that failed half-way leaves databases that no later run would ever use.
    if (!(error instanceof DatabaseUnreachableError)) {
      for (let worker = 1; worker <= workerCount; worker += 1) await dropDatabase(withDatabaseName(env.DATABASE_URL, `flashmart_test_${runId}_w${worker}`));
    }
    throw error;
  }

  // The payment provider every test talks to by default: the sandbox, in this process, on a free port. Tests that
  // flip its fault switches start their own instance so they cannot disturb files running in parallel.
  const paymentSandbox = createPaymentSandbox();
  const paymentProviderUrl = await paymentSandbox.listen(0);

  project.provide("databaseUrls", databaseUrls);
  project.provide("redisKeyPrefix", redisKeyPrefix);
  project.provide("paymentProviderUrl", paymentProviderUrl);

  return async function teardown() {
    try {
      await paymentSandbox.close();
      await deleteKeysWithPrefix(redis, redisKeyPrefix);
    } finally {
      redis.disconnect();
      for (const databaseUrl of databaseUrls) await dropDatabase(databaseUrl);
    }
  };
}
