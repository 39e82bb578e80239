// Runs once per `vitest` run in the main process: one migrated database and one Redis key prefix for the whole
// run, handed to workers through provide()/inject() (read by setup-env.ts). Teardown removes both.
import "~/server/load-env.ts";

import { availableParallelism } from "node:os";

import type { TestProject } from "vitest/node";

import { DatabaseUnreachableError } from "~/scripts/migrate.ts";
import { env } from "~/server/env.js";
import { createPaymentSandbox } from "~/server/payment-sandbox/server.ts";
import { redisClientConfigFromEnv } from "~/server/redis.ts";
import { createMigratedDatabase, createTestRunId, dropDatabase, withDatabaseName } from "~/server/testing/db-url.ts";
import { connectRedisDirect, deleteKeysWithPrefix, type RedisTarget } from "~/server/testing/redis-prefix.ts";

async function connectRedis(target: RedisTarget) {
  try {
    return await connectRedisDirect(target);
  } catch (error) {
    if (target.clusterNodes?.length) {
      throw new Error(`Redis Cluster is not reachable at ${target.clusterNodes.join(",")} — start it with: scripts/redis-cluster.sh start`, {
        cause: error,
      });
    }
    const { hostname, port } = new URL(target.url);
    throw new Error(
      `Redis is not reachable at ${hostname}:${port || 6379} — start it with: redis-server --daemonize yes ` +
        "(or: docker compose up -d redis)",
      { cause: error },
    );
  }
}

export default async function setup(project: TestProject) {
  const runId = createTestRunId();
  const redisKeyPrefix = `fmtest:${runId}:`;

  // Redis first: it holds nothing yet, so failing here leaves no database behind.
  const redis = await connectRedis(redisClientConfigFromEnv());
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
