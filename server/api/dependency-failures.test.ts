// Errors under pressure, over real HTTP against real MariaDB and Redis: a pool run dry, MySQL unreachable, a
// connection cut mid-query. Every one must reach the client as 503 + Retry-After with the safe Korean message, never
// as a 500 carrying the driver's text.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { Redis } from "@upstash/redis";
import mariadb from "mariadb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { isDependencyFailure, SERVICE_UNAVAILABLE_MESSAGE, SERVICE_UNAVAILABLE_RETRY_AFTER_S } from "~/server/api/errors.ts";
import { createCaller } from "~/server/api/root.ts";
import { createInnerContext, type Deps } from "~/server/api/trpc.ts";
import { createApp } from "~/server/app.ts";
import { systemClock } from "~/server/clock.ts";
import { createPrismaClient, db } from "~/server/db.ts";
import { env } from "~/server/env.js";
import { runWithDependencyFailureStatus } from "~/server/http/dependency-failure-scope.ts";
import { createTcpRequester, redis } from "~/server/redis.ts";
import { sessionFromCookieHeader } from "~/server/session.ts";
import { eventually } from "~/server/testing/eventually.ts";
import { createFlashSale, createUser } from "~/server/testing/factories.ts";
import { sessionCookieFor, startTestServer } from "~/server/testing/http.ts";
import { deleteSaleCompletely } from "~/server/testing/sales.ts";
import { startTcpProxy } from "~/server/testing/tcp-proxy.ts";

const POOL_SIZE = 2;
const ACQUIRE_TIMEOUT_MS = 300;

/** Other connections of this worker's database whose statement or state matches, as MariaDB sees them right now. */
async function sessionsWhere(condition: { infoLike?: string; stateLike?: string }) {
  const rows = await db.$queryRaw<{ id: bigint }[]>`
    SELECT ID AS id FROM information_schema.PROCESSLIST
    WHERE DB = DATABASE() AND ID <> CONNECTION_ID() AND COMMAND IN ('Query', 'Execute')
      AND INFO LIKE ${condition.infoLike ?? "%"} AND COALESCE(STATE, '') LIKE ${condition.stateLike ?? "%"}`;
  return rows.map((row) => Number(row.id));
}

/** The HTTP calls the issue names, made the way a browser's tRPC client makes them. */
function calls(baseUrl: string, cookie: string) {
  return {
    me: () => fetch(`${baseUrl}/api/trpc/account.me`, { headers: { cookie } }),
    pay: () =>
      fetch(`${baseUrl}/api/trpc/order.pay`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json" },
        body: JSON.stringify({ json: { orderId: "o-pressure-test", paymentKey: "pk_pressure_0001", amount: 39_000 } }),
      }),
    productList: () => fetch(`${baseUrl}/api/trpc/product.list?input=${encodeURIComponent(JSON.stringify({ json: { page: 1, pageSize: 12 } }))}`),
  };
}

async function expectServiceUnavailable(response: Response) {
  const text = await response.text();
  expect({ status: response.status, retryAfter: response.headers.get("retry-after") }).toEqual({ status: 503, retryAfter: String(SERVICE_UNAVAILABLE_RETRY_AFTER_S) });
  // Neither the driver's words nor Prisma's: not in the message, not in a stack, nowhere.
  expect(text).not.toMatch(/pool|prisma|mariadb|45028|45009|ECONN|socket/i);
  const body = JSON.parse(text) as { error: { json: { message: string; data: Record<string, unknown> } } };
  expect(body.error.json.message).toBe(SERVICE_UNAVAILABLE_MESSAGE);
  expect(body.error.json.data).toMatchObject({ code: "SERVICE_UNAVAILABLE", httpStatus: 503, retryAfterS: SERVICE_UNAVAILABLE_RETRY_AFTER_S });
}

describe("a database pool run dry", () => {
  const pool = createPrismaClient(env.DATABASE_URL, POOL_SIZE, { acquireTimeoutMs: ACQUIRE_TIMEOUT_MS });
  const deps: Deps = createApp({ db: pool, redis, clock: systemClock });
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const userIds: string[] = [];

  async function signedIn() {
    const user = await createUser(db);
    userIds.push(user.id);
    return sessionCookieFor(user);
  }

  /** Occupies every pooled connection with a long SLEEP, as a burst of slow transactions would; returns the release. */
  async function holdEveryConnection() {
    const marker = `held-${crypto.randomUUID()}`;
    const sleeps = Array.from({ length: POOL_SIZE }, () => pool.$queryRawUnsafe(`SELECT SLEEP(20) /* ${marker} */`).catch(() => {}));
    await eventually(async () => expect(await sessionsWhere({ infoLike: `%${marker}%` })).toHaveLength(POOL_SIZE));
    return async () => {
      for (const id of await sessionsWhere({ infoLike: `%${marker}%` })) await db.$executeRawUnsafe(`KILL QUERY ${id}`);
      await Promise.all(sleeps);
    };
  }

  beforeAll(async () => {
    server = await startTestServer({ deps });
  });

  afterAll(async () => {
    await server.close();
    await pool.$disconnect();
    await db.user.deleteMany({ where: { id: { in: userIds } } });
  });

  it("answers 503 with Retry-After on account.me, order.pay and a public query, whether the session check or the procedure runs dry", async () => {
    // Warm: the session's state is cached in Redis, so the procedure is the first to ask for a connection.
    const warm = calls(server.url, await signedIn());
    expect((await warm.me()).status).toBe(200);
    // Cold: the session check in createContext reads MySQL before any procedure runs.
    const cold = calls(server.url, await signedIn());

    const release = await holdEveryConnection();
    try {
      for (const call of [warm.me, warm.pay, warm.productList, cold.me, cold.pay]) await expectServiceUnavailable(await call());
    } finally {
      await release();
    }
    expect((await warm.me()).status).toBe(200);
    expect((await cold.me()).status).toBe(200);
  });

  it("a page whose server component hits the dry pool answers 503, and an ordinary failure stays 500", async () => {
    const cookie = await signedIn();
    const session = await sessionFromCookieHeader(cookie);
    const caller = createCaller(createInnerContext({ session, ip: "127.0.0.1", origin: null, host: null, deps }));
    // What Next does with a page whose server component throws before anything was streamed: a 500 error page.
    const page = createServer((req, res) => {
      void runWithDependencyFailureStatus(res, SERVICE_UNAVAILABLE_RETRY_AFTER_S, async () => {
        try {
          await caller.account.me();
          if (req.url === "/broken") throw new Error("a bug, not an outage");
          res.end("<p>profile</p>");
        } catch {
          res.statusCode = 500;
          res.setHeader("content-type", "text/html; charset=utf-8");
          res.end("<p>일시적인 오류가 발생했습니다</p>");
        }
      });
    });
    await new Promise<void>((resolve) => page.listen(0, "127.0.0.1", resolve));
    const pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${pageUrl}/broken`)).status).toBe(500);
      const release = await holdEveryConnection();
      try {
        const response = await fetch(pageUrl);
        expect({ status: response.status, retryAfter: response.headers.get("retry-after") }).toEqual({ status: 503, retryAfter: String(SERVICE_UNAVAILABLE_RETRY_AFTER_S) });
      } finally {
        await release();
      }
      expect((await fetch(pageUrl)).status).toBe(200);
    } finally {
      await new Promise((resolve) => page.close(resolve));
    }
  });
});

describe("MySQL connections lost", () => {
  const databaseUrl = new URL(env.DATABASE_URL);
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let proxiedDb: ReturnType<typeof createPrismaClient>;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const userIds: string[] = [];

  async function signedIn() {
    const user = await createUser(db);
    userIds.push(user.id);
    return sessionCookieFor(user);
  }

  beforeAll(async () => {
    proxy = await startTcpProxy({ host: databaseUrl.hostname, port: Number(databaseUrl.port || 3306) });
    const proxiedUrl = new URL(databaseUrl);
    proxiedUrl.hostname = "127.0.0.1";
    proxiedUrl.port = String(proxy.port);
    proxiedDb = createPrismaClient(proxiedUrl.toString(), POOL_SIZE, { acquireTimeoutMs: ACQUIRE_TIMEOUT_MS, connectTimeoutMs: ACQUIRE_TIMEOUT_MS });
    server = await startTestServer({ deps: { db: proxiedDb, redis, clock: systemClock } });
  });

  afterAll(async () => {
    await server.close();
    await proxiedDb.$disconnect();
    await proxy.down().catch(() => {});
    await db.user.deleteMany({ where: { id: { in: userIds } } });
  });

  it("answers 503 while MySQL is unreachable, then recovers", async () => {
    const warm = calls(server.url, await signedIn());
    expect((await warm.me()).status).toBe(200);
    const cold = calls(server.url, await signedIn());

    await proxy.down();
    try {
      for (const call of [warm.me, warm.pay, warm.productList, cold.me, cold.pay]) await expectServiceUnavailable(await call());
    } finally {
      await proxy.up();
    }
    await eventually(async () => expect((await cold.me()).status).toBe(200));
  });

  it("answers 503 when the connection drops while a query is waiting on it", async () => {
    const warm = calls(server.url, await signedIn());
    expect((await warm.me()).status).toBe(200);

    // A table lock held elsewhere parks account.me's SELECT on its (proxied) connection; then the network drops.
    const locker = await mariadb.createConnection({ host: databaseUrl.hostname, port: Number(databaseUrl.port || 3306), user: decodeURIComponent(databaseUrl.username), password: decodeURIComponent(databaseUrl.password), database: databaseUrl.pathname.slice(1) });
    let isCut = false;
    try {
      await locker.query("LOCK TABLES `User` WRITE");
      const pending = warm.me();
      await eventually(async () => expect(await sessionsWhere({ stateLike: "%lock%" })).not.toHaveLength(0));
      await proxy.down();
      isCut = true;
      await expectServiceUnavailable(await pending);
    } finally {
      await locker.query("UNLOCK TABLES").catch(() => {});
      await locker.end();
      if (isCut) await proxy.up();
    }
    await eventually(async () => expect((await warm.me()).status).toBe(200));
  });
});

describe("Redis unreachable", () => {
  it("the fast path's sale.status answers 503 instead of a 500", async () => {
    const deadRedis = new Redis(createTcpRequester("redis://127.0.0.1:1", { connectTimeoutMs: 200 }));
    const server = await startTestServer({ deps: { db, redis: deadRedis, clock: systemClock } });
    const sale = await createFlashSale(db, { opensAt: new Date(Date.now() + 3_600_000) });
    try {
      const input = encodeURIComponent(JSON.stringify({ json: { id: sale.id } }));
      await expectServiceUnavailable(await fetch(`${server.url}/api/trpc/sale.status?input=${input}`));
    } finally {
      await server.close();
      await deleteSaleCompletely({ db, redis }, sale.id);
    }
  });
});

describe("which errors count as an outage", () => {
  it("recognises the real errors of a dry pool, an unreachable server, an expired transaction and Redis down", async () => {
    const failures: unknown[] = [];
    const tiny = createPrismaClient(env.DATABASE_URL, 1, { acquireTimeoutMs: 100 });
    const unreachable = createPrismaClient("mysql://root@127.0.0.1:1/flashmart", 1, { acquireTimeoutMs: 200, connectTimeoutMs: 100 });
    const deadRedis = new Redis(createTcpRequester("redis://127.0.0.1:1", { connectTimeoutMs: 100 }));
    try {
      const held = tiny.$queryRawUnsafe("SELECT SLEEP(1)").catch(() => {});
      await eventually(async () => expect(await sessionsWhere({ infoLike: "SELECT SLEEP(1)" })).not.toHaveLength(0));
      failures.push(await tiny.user.findFirst().catch((error: unknown) => error)); // P2039, pool timeout
      failures.push(await tiny.$queryRaw`SELECT 1`.catch((error: unknown) => error)); // P2010, pool timeout
      failures.push(await tiny.$transaction(async (tx) => tx.user.findFirst()).catch((error: unknown) => error));
      await held;
      failures.push(await unreachable.user.findFirst().catch((error: unknown) => error)); // refused
      failures.push(await tiny.$transaction(async (tx) => tx.$queryRaw`SELECT SLEEP(0.3)`, { timeout: 100 }).catch((error: unknown) => error)); // P2028
      failures.push(await deadRedis.get("k").catch((error: unknown) => error));
    } finally {
      await tiny.$disconnect();
      await unreachable.$disconnect();
    }
    for (const failure of failures) expect({ failure, isOutage: isDependencyFailure(failure) }).toMatchObject({ isOutage: true });

    // Statements that failed on a healthy connection are the caller's or the code's problem, not an outage.
    const notOutages = [
      await db.$queryRawUnsafe("SELECT * FROM no_such_table").catch((error: unknown) => error),
      await db.$queryRawUnsafe("SELEC 1").catch((error: unknown) => error),
      await db.user.update({ where: { id: "no-such-user" }, data: { sessionVersion: 1 } }).catch((error: unknown) => error),
      new Error("pool party"),
    ];
    for (const failure of notOutages) expect({ failure, isOutage: isDependencyFailure(failure) }).toMatchObject({ isOutage: false });
  });
});
