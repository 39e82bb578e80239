import { Redis } from "@upstash/redis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { appDeps, createApp } from "~/server/app.ts";
import { fixedClock, systemClock } from "~/server/clock.ts";
import { configFromEnv, type AppConfig } from "~/server/config.ts";
import { createPrismaClient, db } from "~/server/db.ts";
import { isSessionActive, revokeAllSessions, revokeSession } from "~/server/domain/accounts/session-state.ts";
import { saleKeys } from "~/server/domain/sales/keys.ts";
import { PURCHASE_SESSION_RECHECK_MS } from "~/server/domain/sales/purchase-session.ts";
import { issuePurchaseToken } from "~/server/domain/sales/purchase-token.ts";
import { reconcileSale } from "~/server/domain/sales/reconcile-sale.ts";
import { readSaleTimeline } from "~/server/domain/sales/read-sale-timeline.ts";
import { readSaleStatus } from "~/server/domain/sales/sale-state.ts";
import { createTcpRequester, redis } from "~/server/redis.ts";
import { createFlashSale, createUsers } from "~/server/testing/factories.ts";
import { createTestClient, startTestServer } from "~/server/testing/http.ts";
import { deleteSaleCompletely, freshPurchaseSession } from "~/server/testing/sales.ts";

const OPENS_AT = new Date("2031-06-01T03:00:00.000Z");
const clock = fixedClock(OPENS_AT);
/** The app's config with another per-IP reservation limit (its one source: config.saleReserveRateLimit). */
function configWithIpLimit(perIp: number): AppConfig {
  const config = configFromEnv();
  return { ...config, saleReserveRateLimit: { ...config.saleReserveRateLimit, perIp } };
}
// Every simulated buyer comes from 127.0.0.1 here; the per-IP limit is exercised in its own test.
const deps = createApp({ db, redis, clock, config: configWithIpLimit(1_000_000) });

type Client = ReturnType<typeof createTestClient>;
let server: Awaited<ReturnType<typeof startTestServer>>;
let client: Client;
const saleIds: number[] = [];

beforeAll(async () => {
  server = await startTestServer({ deps });
  client = createTestClient(server.url);
});

afterAll(async () => {
  await server.close();
  for (const saleId of saleIds) await deleteSaleCompletely(deps, saleId);
});

afterEach(() => clock.set(OPENS_AT));

async function newSale(overrides: Parameters<typeof createFlashSale>[1]) {
  const sale = await createFlashSale(db, overrides);
  saleIds.push(sale.id);
  return sale;
}

function reserveAs(userId: string, saleId: number, idempotencyKey = crypto.randomUUID(), viaClient: Client = client) {
  const { token } = issuePurchaseToken(appDeps(), { userId, saleId, session: freshPurchaseSession() }, clock.now().getTime());
  return viaClient.sale.reserve.mutate({ saleId, idempotencyKey, purchaseToken: token });
}

async function saleOrderCount(saleId: number) {
  return db.order.count({ where: { saleId } });
}

describe("sale.reserve under contention", () => {
  it("2,000 concurrent buyers for 100 units: exactly 100 orders, nobody over the limit, Redis and MySQL agree", async () => {
    const sale = await newSale({ opensAt: OPENS_AT, quantity: 100 });
    const buyers = await createUsers(db, 2_000);

    const results = await Promise.all(buyers.map((buyer) => reserveAs(buyer.id, sale.id)));

    const winners = results.filter((result) => result.outcome === "WON");
    expect(winners).toHaveLength(100);
    expect(results.filter((result) => result.outcome === "SOLD_OUT")).toHaveLength(1_900);
    const orders = await db.order.findMany({ where: { saleId: sale.id }, select: { userId: true, status: true, totalAmount: true } });
    expect(orders).toHaveLength(100);
    expect(new Set(orders.map((order) => order.userId)).size).toBe(100);
    expect(orders.every((order) => order.status === "PENDING_PAYMENT" && order.totalAmount === sale.salePrice)).toBe(true);

    const live = await readSaleStatus(deps, sale.id);
    expect(live).toMatchObject({ quantity: 100, sold: 0, held: 100, available: 0 });
    const reconciliation = await reconcileSale(deps, sale.id, { repair: false });
    expect(reconciliation.drift).toBe(0);
    expect(reconciliation.isInvariantHeld).toBe(true);

    const timeline = await readSaleTimeline(deps, { saleId: sale.id, fromMs: OPENS_AT.getTime() - 5_000, toMs: OPENS_AT.getTime() + 5_000 });
    expect(timeline).toHaveLength(11);
    expect(timeline.reduce((sum, point) => sum + point.attempts, 0)).toBe(2_000);
    expect(timeline.find((point) => point.second === OPENS_AT.getTime())).toEqual({ second: OPENS_AT.getTime(), attempts: 2_000, wins: 100, admitted: 0 });
  });

  it("500 concurrent calls from 50 users with a limit of 2: nobody gets more than 2", async () => {
    const sale = await newSale({ opensAt: OPENS_AT, quantity: 1_000, perUserLimit: 2 });
    const buyers = await createUsers(db, 50);

    const attempts = buyers.flatMap((buyer) => Array.from({ length: 10 }, () => reserveAs(buyer.id, sale.id)));
    const results = await Promise.all(attempts);

    expect(results.filter((result) => result.outcome === "WON")).toHaveLength(100);
    const perUser = await db.order.groupBy({ by: ["userId"], where: { saleId: sale.id }, _count: { _all: true } });
    expect(perUser).toHaveLength(50);
    expect(Math.max(...perUser.map((row) => row._count._all))).toBe(2);
  });

  it("a repeated submit (same idempotency key, even concurrently) returns the same order", async () => {
    const sale = await newSale({ opensAt: OPENS_AT, quantity: 5, perUserLimit: 3 });
    const [buyer] = await createUsers(db, 1);
    const key = crypto.randomUUID();

    const results = await Promise.all(Array.from({ length: 10 }, () => reserveAs(buyer!.id, sale.id, key)));

    const orderIds = new Set(results.map((result) => (result.outcome === "WON" ? result.orderId : result.outcome)));
    expect([...orderIds]).toHaveLength(1);
    expect(await saleOrderCount(sale.id)).toBe(1);
    expect(results.filter((result) => result.outcome === "WON" && result.isRepeat)).toHaveLength(9);
  });

  it("one user's token replayed from two devices still stays within the limit", async () => {
    const sale = await newSale({ opensAt: OPENS_AT, quantity: 50, perUserLimit: 1 });
    const [buyer] = await createUsers(db, 1);
    const secondDevice = createTestClient(server.url);

    const results = await Promise.all(Array.from({ length: 20 }, (_, index) => reserveAs(buyer!.id, sale.id, crypto.randomUUID(), index % 2 ? client : secondDevice)));

    expect(results.filter((result) => result.outcome === "WON")).toHaveLength(1);
    expect(results.filter((result) => result.outcome === "LIMIT_REACHED")).toHaveLength(19);
  });
  it("the same session pressing again with a new key (double press, second tab) gets its live hold back, not the limit", async () => {
    const sale = await newSale({ opensAt: OPENS_AT, quantity: 5, perUserLimit: 1, holdMinutes: 10 });
    const [buyer] = await createUsers(db, 1);
    const session = freshPurchaseSession();
    // The page's purchase token: always this one session, re-issued when it would have expired.
    const press = () =>
      client.sale.reserve.mutate({
        saleId: sale.id,
        idempotencyKey: crypto.randomUUID(),
        purchaseToken: issuePurchaseToken(appDeps(), { userId: buyer!.id, saleId: sale.id, session }, clock.now().getTime()).token,
      });

    // Two presses in flight at once, each with its own key, as a double click batched into one HTTP call.
    const [first, second] = await Promise.all([press(), press()]);
    expect(first).toMatchObject({ outcome: "WON" });
    expect(second).toMatchObject({ outcome: "WON" });
    const orderIds = new Set([first, second].map((result) => (result.outcome === "WON" ? result.orderId : null)));
    expect(orderIds.size).toBe(1);
    expect([first, second].filter((result) => result.outcome === "WON" && result.isRepeat)).toHaveLength(1);
    expect(await saleOrderCount(sale.id)).toBe(1);

    // Another device (another session) of the same buyer is still told about the limit.
    await expect(reserveAs(buyer!.id, sale.id)).resolves.toEqual({ outcome: "LIMIT_REACHED" });
    // Once the hold's deadline has passed it is not offered again.
    clock.advance(10 * 60_000);
    await expect(press()).resolves.toEqual({ outcome: "LIMIT_REACHED" });
  });
});

describe("sale window, pause and tokens", () => {
  it("refuses before the open time and after the close time, judged by the server's clock", async () => {
    const closesAt = new Date(OPENS_AT.getTime() + 3_600_000);
    const sale = await newSale({ opensAt: OPENS_AT, closesAt, quantity: 5 });
    const [buyer] = await createUsers(db, 1);

    clock.set(OPENS_AT.getTime() - 1);
    await expect(reserveAs(buyer!.id, sale.id)).resolves.toEqual({ outcome: "NOT_OPEN", opensAt: OPENS_AT });
    clock.set(closesAt);
    await expect(reserveAs(buyer!.id, sale.id)).resolves.toEqual({ outcome: "CLOSED" });
    expect(await saleOrderCount(sale.id)).toBe(0);
  });

  it("refuses while paused and sells again after resume", async () => {
    const sale = await newSale({ opensAt: new Date(OPENS_AT.getTime() + 60_000), quantity: 5 });
    const admin = (await createUsers(db, 1))[0]!;
    await db.user.update({ where: { id: admin.id }, data: { role: "ADMIN" } });
    const { sessionCookieFor } = await import("~/server/testing/http.ts");
    const adminClient = createTestClient(server.url, { cookie: await sessionCookieFor({ id: admin.id, role: "ADMIN" }) });
    const [buyer] = await createUsers(db, 1);

    await adminClient.adminSale.pause.mutate({ id: sale.id });
    clock.set(OPENS_AT.getTime() + 120_000);
    await expect(reserveAs(buyer!.id, sale.id)).resolves.toEqual({ outcome: "PAUSED" });
    await adminClient.adminSale.resume.mutate({ id: sale.id });
    await expect(reserveAs(buyer!.id, sale.id)).resolves.toMatchObject({ outcome: "WON" });
  });

  it("refuses forged, expired and other-sale tokens with UNAUTHORIZED and changes nothing", async () => {
    const sale = await newSale({ opensAt: OPENS_AT, quantity: 5 });
    const [buyer] = await createUsers(db, 1);
    const { token } = issuePurchaseToken(appDeps(), { userId: buyer!.id, saleId: sale.id, session: freshPurchaseSession() }, clock.now().getTime());
    const forged = token.replace(buyer!.id, "someone-else");
    const otherSale = issuePurchaseToken(appDeps(), { userId: buyer!.id, saleId: sale.id + 1_000, session: freshPurchaseSession() }, clock.now().getTime()).token;

    for (const purchaseToken of [forged, otherSale, "v1.x.y.z.w", "garbage"]) {
      await expect(client.sale.reserve.mutate({ saleId: sale.id, idempotencyKey: crypto.randomUUID(), purchaseToken })).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
    }
    clock.advance(3_600_000);
    await expect(client.sale.reserve.mutate({ saleId: sale.id, idempotencyKey: crypto.randomUUID(), purchaseToken: token })).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
    expect(await saleOrderCount(sale.id)).toBe(0);
  });

  it("refuses a token whose session has ended since it was issued: logout, log out everywhere", async () => {
    const sale = await newSale({ opensAt: OPENS_AT, quantity: 5, perUserLimit: 5 });
    const [buyer, other] = await createUsers(db, 2);
    const tokenFor = (userId: string, session = freshPurchaseSession()) => ({ session, token: issuePurchaseToken(appDeps(), { userId, saleId: sale.id, session }, clock.now().getTime()).token });
    const reserveWith = (token: string) => client.sale.reserve.mutate({ saleId: sale.id, idempotencyKey: crypto.randomUUID(), purchaseToken: token });

    const loggedOut = tokenFor(buyer!.id);
    await expect(reserveWith(loggedOut.token)).resolves.toMatchObject({ outcome: "WON" });
    await revokeSession({ db, redis, clock: systemClock, config: appDeps().config }, { userId: buyer!.id, ...loggedOut.session });
    // The instance re-checks a session it has just confirmed at most once per PURCHASE_SESSION_RECHECK_MS.
    clock.advance(PURCHASE_SESSION_RECHECK_MS);
    await expect(reserveWith(loggedOut.token)).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });

    const everywhere = tokenFor(other!.id);
    await revokeAllSessions({ db, redis, clock: systemClock, config: appDeps().config }, { userId: other!.id });
    await expect(reserveWith(everywhere.token)).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
    // A token for the new session version works.
    await expect(reserveWith(tokenFor(other!.id, { ...freshPurchaseSession(), sessionVersion: 1 }).token)).resolves.toMatchObject({ outcome: "WON" });
    expect(await saleOrderCount(sale.id)).toBe(2);
  });

  it("rate-limits one IP and answers TOO_MANY_REQUESTS with a retry-after", async () => {
    const sale = await newSale({ opensAt: OPENS_AT, quantity: 5 });
    const buyers = await createUsers(db, 30);
    const limitedServer = await startTestServer({ deps: { db, redis, clock, config: configWithIpLimit(10) } });
    try {
      const limitedClient = createTestClient(limitedServer.url);
      const results = await Promise.allSettled(buyers.map((buyer) => reserveAs(buyer.id, sale.id, crypto.randomUUID(), limitedClient)));
      const limited = results.filter((result) => result.status === "rejected");
      expect(limited).toHaveLength(20);
      expect((limited[0] as PromiseRejectedResult).reason).toMatchObject({ data: { code: "TOO_MANY_REQUESTS", retryAfterS: expect.any(Number) } });
    } finally {
      await limitedServer.close();
    }
  });
});

describe("holds, Redis loss and outages", () => {
  it("an expired hold returns its unit: a later buyer wins it, and MySQL never sees more than the quantity", async () => {
    const sale = await newSale({ opensAt: OPENS_AT, quantity: 1, holdMinutes: 10 });
    const [first, second] = await createUsers(db, 2);

    await expect(reserveAs(first!.id, sale.id)).resolves.toMatchObject({ outcome: "WON" });
    await expect(reserveAs(second!.id, sale.id)).resolves.toEqual({ outcome: "SOLD_OUT" });

    clock.advance(10 * 60_000 + 2_001);
    await expect(reserveAs(second!.id, sale.id)).resolves.toMatchObject({ outcome: "WON" });
    // All held, none paid: the status names the deadline after which the unit may come back (not "sold out").
    expect(await readSaleStatus(deps, sale.id)).toMatchObject({ held: 1, available: 0, sold: 0, earliestHoldDueAt: clock.now().getTime() + 10 * 60_000 });
  });

  it("rebuilds from MySQL when the sale's keys vanish mid-sale, never resetting to the full quantity", async () => {
    const sale = await newSale({ opensAt: OPENS_AT, quantity: 100 });
    const buyers = await createUsers(db, 260);

    const firstWave = await Promise.all(buyers.slice(0, 60).map((buyer) => reserveAs(buyer.id, sale.id)));
    expect(firstWave.filter((result) => result.outcome === "WON")).toHaveLength(60);

    const keys = saleKeys(sale.id);
    await redis.del(keys.meta, keys.holds, keys.holders, keys.users, keys.idempotency, keys.settled);

    const secondWave = await Promise.all(buyers.slice(60).map((buyer) => reserveAs(buyer.id, sale.id)));
    expect(secondWave.filter((result) => result.outcome === "WON")).toHaveLength(40);
    expect(await saleOrderCount(sale.id)).toBe(100);
    // A first-wave winner cannot win again after the rebuild: the per-user count came back from MySQL too.
    await expect(reserveAs(buyers[0]!.id, sale.id)).resolves.toEqual({ outcome: "LIMIT_REACHED" });
    expect((await reconcileSale(deps, sale.id, { repair: false })).drift).toBe(0);
  });

  it("fails closed with SERVICE_UNAVAILABLE when Redis is down, and writes nothing", async () => {
    const sale = await newSale({ opensAt: OPENS_AT, quantity: 5 });
    const [buyer] = await createUsers(db, 1);
    const noRedis = await startTestServer({ deps: { db, clock, redis: new Redis(createTcpRequester("redis://127.0.0.1:1", { connectTimeoutMs: 300 })) } });
    try {
      await expect(reserveAs(buyer!.id, sale.id, crypto.randomUUID(), createTestClient(noRedis.url))).rejects.toMatchObject({ data: { code: "SERVICE_UNAVAILABLE", httpStatus: 503 } });
      expect(await saleOrderCount(sale.id)).toBe(0);
    } finally {
      await noRedis.close();
    }
  });

  it("compensates when MySQL cannot take the order: no phantom win, the unit stays available", async () => {
    const sale = await newSale({ opensAt: OPENS_AT, quantity: 1 });
    const [buyer, later] = await createUsers(db, 2);
    const deadDb = createPrismaClient("mysql://root@127.0.0.1:1/flashmart", 1);
    const noMysql = await startTestServer({ deps: { db: deadDb, clock, redis } });
    await readSaleStatus(deps, sale.id);
    // The buyer's page checked the session when it fetched the token, so its state is in Redis: only the order write
    // needs MySQL.
    const session = freshPurchaseSession();
    await isSessionActive({ db, redis, clock: systemClock, config: appDeps().config }, { userId: buyer!.id, ...session });
    const { token } = issuePurchaseToken(appDeps(), { userId: buyer!.id, saleId: sale.id, session }, clock.now().getTime());
    try {
      const attempt = createTestClient(noMysql.url).sale.reserve.mutate({ saleId: sale.id, idempotencyKey: crypto.randomUUID(), purchaseToken: token });
      await expect(attempt).rejects.toMatchObject({ data: { code: "SERVICE_UNAVAILABLE" } });
    } finally {
      await noMysql.close();
      await deadDb.$disconnect();
    }
    // Redis did grant the unit (the timeline counts the win), and the failed write gave it back.
    const timeline = await readSaleTimeline(deps, { saleId: sale.id, fromMs: OPENS_AT.getTime(), toMs: OPENS_AT.getTime() });
    expect(timeline[0]).toMatchObject({ attempts: 1, wins: 1 });
    expect(await readSaleStatus(deps, sale.id)).toMatchObject({ held: 0, available: 1 });
    await expect(reserveAs(later!.id, sale.id)).resolves.toMatchObject({ outcome: "WON" });
  });
});

describe("the reserve fast path", () => {
  it("answers exactly like tRPC's own adapter, for results and for errors", async () => {
    const sale = await newSale({ opensAt: new Date(OPENS_AT.getTime() + 3_600_000), quantity: 5 });
    const [buyer] = await createUsers(db, 1);
    const { token } = issuePurchaseToken(appDeps(), { userId: buyer!.id, saleId: sale.id, session: freshPurchaseSession() }, clock.now().getTime());
    const call = async (url: string, body: unknown) => {
      const response = await fetch(`${server.url}${url}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      // Stacks (present outside production only) differ by call site; everything else must match.
      const text = (await response.text()).replace(/"stack":"(?:[^"\\]|\\.)*"/g, '"stack":"…"');
      return { status: response.status, body: JSON.parse(text) as unknown };
    };
    const notOpen = { json: { saleId: sale.id, idempotencyKey: "fast-path-check-1", purchaseToken: token } };
    const invalid = { json: { saleId: sale.id, idempotencyKey: "short", purchaseToken: token } };

    for (const input of [notOpen, invalid]) {
      const fast = await call("/api/trpc/sale.reserve?batch=1", { 0: input });
      // A two-procedure batch cannot take the fast path, so this is tRPC's standard adapter.
      const standard = await call("/api/trpc/sale.reserve,system.noop?batch=1", { 0: input, 1: {} });
      expect(fast.body).toEqual([(standard.body as unknown[])[0]]);
    }
    expect((await call("/api/trpc/sale.reserve", invalid)).status).toBe(400);
  });
});

describe("sale.status", () => {
  it("answers single and batched GETs with the live counters and the server's clock", async () => {
    const sale = await newSale({ opensAt: new Date(OPENS_AT.getTime() + 60_000), quantity: 7 });
    const input = encodeURIComponent(JSON.stringify({ json: { id: sale.id } }));
    const batchedInput = encodeURIComponent(JSON.stringify({ 0: { json: { id: sale.id } } }));

    const single = (await (await fetch(`${server.url}/api/trpc/sale.status?input=${input}`)).json()) as { result: { data: { json: Record<string, unknown> } } };
    const batched = (await (await fetch(`${server.url}/api/trpc/sale.status?batch=1&input=${batchedInput}`)).json()) as Array<{ result: { data: { json: Record<string, unknown> } } }>;

    for (const status of [single.result.data.json, batched[0]!.result.data.json]) {
      expect(status).toMatchObject({ quantity: 7, available: 7, sold: 0, held: 0, phase: "UPCOMING", serverNow: clock.now().getTime() });
    }
    await expect(client.sale.status.query({ id: sale.id })).resolves.toMatchObject({ phase: "UPCOMING" });
  });
});
