import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { SERVICE_UNAVAILABLE_MESSAGE } from "~/server/api/errors.ts";
import { createApp } from "~/server/app.ts";
import type { AppDeps } from "~/server/deps.ts";
import { systemClock } from "~/server/clock.ts";
import { createPrismaClient } from "~/server/db.ts";
import { checkHealth } from "~/server/domain/system/check-health.ts";
import { env } from "~/server/env.js";
import { createDependencyGate } from "~/server/http/dependency-gate.ts";
import { createTcpRequester } from "~/server/redis.ts";
import { eventually } from "~/server/testing/eventually.ts";
import { createTestClient, startTestServer } from "~/server/testing/http.ts";
import { startTcpProxy } from "~/server/testing/tcp-proxy.ts";

describe("MySQL or Redis down at request time", () => {
  const databaseUrl = new URL(env.DATABASE_URL);
  const redisUrl = new URL(env.REDIS_URL);
  let mysqlProxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let redisProxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let client: ReturnType<typeof createTestClient>;
  let deps: { deps: AppDeps };

  beforeAll(async () => {
    mysqlProxy = await startTcpProxy({ host: databaseUrl.hostname, port: Number(databaseUrl.port || 3306) });
    redisProxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    const proxiedDatabaseUrl = new URL(databaseUrl);
    proxiedDatabaseUrl.hostname = "127.0.0.1";
    proxiedDatabaseUrl.port = String(mysqlProxy.port);
    deps = {
      deps: createApp({
        db: createPrismaClient(proxiedDatabaseUrl.toString(), 4),
        redis: new Redis(createTcpRequester(`redis://127.0.0.1:${redisProxy.port}`)),
        clock: systemClock,
      }),
    };
    server = await startTestServer(deps);
    client = createTestClient(server.url);
  });

  afterAll(async () => {
    await server.close();
    await deps.deps.db.$disconnect();
    await mysqlProxy.down().catch(() => {});
    await redisProxy.down().catch(() => {});
  });

  it("fails fast with a safe SERVICE_UNAVAILABLE while MySQL is down, then recovers", async () => {
    await expect(client.product.list.query({ page: 1, pageSize: 12 })).resolves.toHaveProperty("items");

    await mysqlProxy.down();
    const startedAt = Date.now();
    const failure = await client.product.list.query({ page: 1, pageSize: 12 }).then(
      () => null,
      (error: { message: string; data?: { code?: string; httpStatus?: number; retryAfterS?: number | null } }) => error,
    );
    expect(failure?.data).toMatchObject({ code: "SERVICE_UNAVAILABLE", httpStatus: 503, retryAfterS: expect.any(Number) });
    expect(failure?.message).toBe(SERVICE_UNAVAILABLE_MESSAGE);
    expect(Date.now() - startedAt).toBeLessThan(10_000);

    await mysqlProxy.up();
    await expect(eventually(() => client.product.list.query({ page: 1, pageSize: 12 }), { timeoutMs: 15_000, intervalMs: 200 })).resolves.toHaveProperty("items");
  });

  it("reports Redis down in health and the page gate closes, then both recover", async () => {
    const gate = createDependencyGate({ check: async () => (await checkHealth(deps.deps)).ok, cacheMs: 0 });
    expect(await gate.isHealthy()).toBe(true);

    await redisProxy.down();
    const health = await client.system.health.query();
    expect(health.redis.ok).toBe(false);
    expect(health.mysql.ok).toBe(true);
    expect(await gate.isHealthy()).toBe(false);

    await redisProxy.up();
    await eventually(
      async () => {
        if (!(await gate.isHealthy())) throw new Error("still unhealthy");
      },
      { timeoutMs: 15_000, intervalMs: 200 },
    );
    expect((await client.system.health.query()).ok).toBe(true);
  });
});
