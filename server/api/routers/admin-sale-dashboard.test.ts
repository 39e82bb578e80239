/**
 * The admin's live monitor, post-sale report and CSV, over HTTP against real MariaDB and Redis. Buyers reserve
 * through sale.reserve (so Redis counters and the per-second timeline are the real ones); later order states
 * (paid, expired, cancelled) are written directly, which is also how the monitor's drift detection is exercised.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { appDeps, createApp } from "~/server/app.ts";
import { fixedClock } from "~/server/clock.ts";
import { configFromEnv } from "~/server/config.ts";
import { db } from "~/server/db.ts";
import { CSV_BOM } from "~/server/domain/admin/sales/sale-report-csv.ts";
import { issuePurchaseToken } from "~/server/domain/sales/purchase-token.ts";
import { redis } from "~/server/redis.ts";
import { createFlashSale, createOrder, createProduct, createUser, createUsers } from "~/server/testing/factories.ts";
import { createTestClient, sessionCookieFor, startTestServer } from "~/server/testing/http.ts";
import { deleteUsersWithOrders } from "~/server/testing/orders.ts";
import { deleteSaleCompletely, freshPurchaseSession } from "~/server/testing/sales.ts";

// Far from every other test's clock, so no one else's due-work sweep touches these sales.
const OPENS_AT = new Date("2234-03-01T03:00:00.000Z");
const clock = fixedClock(OPENS_AT);
const appConfig = configFromEnv();
// Every simulated buyer comes from 127.0.0.1 here.
const deps = createApp({ db, redis, clock, config: { ...appConfig, saleReserveRateLimit: { ...appConfig.saleReserveRateLimit, perIp: 1_000_000 } } });

let server: Awaited<ReturnType<typeof startTestServer>>;
let admin: ReturnType<typeof createTestClient>;
let shopper: ReturnType<typeof createTestClient>;
let adminId: string;
const saleIds: number[] = [];
const userIds: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ deps });
  const adminUser = await createUser(db, { role: "ADMIN" });
  adminId = adminUser.id;
  userIds.push(adminId);
  admin = createTestClient(server.url, { cookie: await sessionCookieFor(adminUser) });
  shopper = createTestClient(server.url);
});

afterAll(async () => {
  for (const saleId of saleIds) await deleteSaleCompletely(deps, saleId);
  await deleteUsersWithOrders(db, userIds);
  await server.close();
});

async function newSale(overrides: { quantity: number; productName?: string }) {
  const productId = (await createProduct(db, { price: 100_000, stock: 0, ...(overrides.productName ? { name: overrides.productName } : {}) })).id;
  const sale = await createFlashSale(db, { opensAt: OPENS_AT, quantity: overrides.quantity, productId, state: "OPEN" });
  saleIds.push(sale.id);
  return sale;
}

async function buyers(count: number) {
  const created = await createUsers(db, count);
  userIds.push(...created.map((user) => user.id));
  return created;
}

function reserveAs(userId: string, saleId: number) {
  const { token } = issuePurchaseToken(appDeps(), { userId, saleId, session: freshPurchaseSession() }, clock.now().getTime());
  return shopper.sale.reserve.mutate({ saleId, idempotencyKey: crypto.randomUUID(), purchaseToken: token });
}

describe("adminSale.monitor", () => {
  it("shows live counters, the invariant, the per-second timeline and the queue state in one call", async () => {
    const sale = await newSale({ quantity: 5 });
    const people = await buyers(8);
    clock.set(OPENS_AT.getTime() + 1_500);
    const results = await Promise.all(people.map((person) => reserveAs(person.id, sale.id)));
    expect(results.filter((result) => result.outcome === "WON")).toHaveLength(5);

    clock.set(OPENS_AT.getTime() + 3_200);
    const monitor = await admin.adminSale.monitor.query({ id: sale.id });
    expect(monitor.counts).toMatchObject({ quantity: 5, remaining: 0, held: 5, sold: 0, expired: 0 });
    expect(monitor.invariant).toEqual({ sold: 0, held: 5, available: 0, total: 5, quantity: 5, isHeld: true });
    expect(monitor.drift.count).toBe(0);
    expect(monitor.queue).toEqual({ isEnabled: false });
    expect(monitor.phase).toBe("SOLD_OUT");

    // Two minutes of seconds, ending now; the eight attempts and five wins all landed in second +1.
    expect(monitor.timeline).toHaveLength(121);
    const busySecond = monitor.timeline.find((point) => point.second === OPENS_AT.getTime() + 1_000);
    expect(busySecond).toEqual({ second: OPENS_AT.getTime() + 1_000, attempts: 8, wins: 5 });
    expect(monitor.rates).toEqual({ attemptsPerSecond: 0, winsPerSecond: 0 });
    clock.set(OPENS_AT.getTime() + 2_100);
    expect((await admin.adminSale.monitor.query({ id: sale.id })).rates).toEqual({ attemptsPerSecond: 8, winsPerSecond: 5 });
  });

  it("counts expired orders from MySQL and reports Redis↔MySQL drift until it is reconciled", async () => {
    const sale = await newSale({ quantity: 3 });
    const [winner, late] = await buyers(2);
    clock.set(OPENS_AT.getTime() + 500);
    const won = await reserveAs(winner!.id, sale.id);
    expect(won.outcome).toBe("WON");
    // A paid order that Redis never heard of (as if its sync was lost) and an expired one.
    await createOrder(db, { userId: late!.id, productId: sale.productId, saleId: sale.id, status: "PAID", paidAt: OPENS_AT });
    await createOrder(db, { userId: late!.id, productId: sale.productId, saleId: sale.id, status: "EXPIRED", expiredAt: OPENS_AT });

    const before = await admin.adminSale.monitor.query({ id: sale.id });
    expect(before.counts).toMatchObject({ sold: 0, held: 1, expired: 1, paidInDb: 1 });
    expect(before.drift.count).toBeGreaterThan(0);
    expect(before.drift.mysql.sold).toBe(1);
    expect(before.drift.redis?.sold).toBe(0);

    const reconciled = await admin.adminSale.reconcile.mutate({ id: sale.id });
    expect(reconciled.repaired).toBeGreaterThan(0);
    const after = await admin.adminSale.monitor.query({ id: sale.id });
    expect(after.drift.count).toBe(0);
    expect(after.counts).toMatchObject({ sold: 1, held: 1, remaining: 1 });
    expect(after.invariant).toMatchObject({ total: 3, isHeld: true });
  });
});

describe("adminSale.monitor with the waiting room on", () => {
  it("shows the queue length and admissions from the waiting room's own figures", async () => {
    const productId = (await createProduct(db, { stock: 0 })).id;
    const sale = await createFlashSale(db, { opensAt: new Date(OPENS_AT.getTime() + 60_000), quantity: 2, productId, waitingRoomEnabled: true, queueOpensMinutesBefore: 30 });
    saleIds.push(sale.id);
    clock.set(OPENS_AT);
    const monitor = await admin.adminSale.monitor.query({ id: sale.id });
    expect(monitor.queue).toMatchObject({ isEnabled: true, queueLength: 0, admittedTotal: 0 });
  });
});

describe("adminSale.report and reportCsv", () => {
  it("proves the sale from MySQL: sold, expired, cancelled, no oversell, sell-out time, peak traffic, CSV with BOM", async () => {
    const sale = await newSale({ quantity: 3, productName: "=HYPERLINK(\"x\") 한정판, 스니커즈" });
    const people = await buyers(6);
    clock.set(OPENS_AT.getTime() + 200);
    await Promise.all(people.slice(0, 4).map((person) => reserveAs(person.id, sale.id)));
    clock.set(OPENS_AT.getTime() + 1_300);
    await Promise.all(people.slice(4).map((person) => reserveAs(person.id, sale.id)));

    // Settle the story in MySQL: three paid (the third sells it out 40 s after open), one expired, one cancelled.
    const orders = await db.order.findMany({ where: { saleId: sale.id }, select: { id: true }, orderBy: { createdAt: "asc" } });
    expect(orders).toHaveLength(3);
    const paidTimes = [10_000, 25_000, 40_000].map((offset) => new Date(OPENS_AT.getTime() + offset));
    for (const [index, order] of orders.entries()) await db.order.update({ where: { id: order.id }, data: { status: "PAID", paidAt: paidTimes[index] } });
    await createOrder(db, { userId: people[4]!.id, productId: sale.productId, saleId: sale.id, status: "EXPIRED", expiredAt: OPENS_AT });
    await createOrder(db, { userId: people[5]!.id, productId: sale.productId, saleId: sale.id, status: "CANCELLED", paidAt: new Date(OPENS_AT.getTime() + 5_000) });

    clock.set(OPENS_AT.getTime() + 60_000);
    const report = await admin.adminSale.report.query({ id: sale.id });
    expect(report.summary).toMatchObject({
      quantity: 3,
      sold: 3,
      everPaid: 4,
      expired: 1,
      cancelled: 1,
      oversold: 0,
      firstPurchaseAt: new Date(OPENS_AT.getTime() + 5_000),
      lastPurchaseAt: paidTimes[2],
      sellOutAt: paidTimes[2],
      timeToSellOutMs: 40_000,
      peakAttemptsPerSecond: 4,
      peakAt: OPENS_AT,
      totalAttempts: 6,
      totalWins: 3,
      allReservedAt: OPENS_AT,
      timeToAllReservedMs: 0,
    });
    expect(report.timelineRowCount).toBe(2);
    expect(report.chart.bucketSeconds).toBe(1);
    expect(report.chart.points).toEqual([
      { second: OPENS_AT.getTime(), attemptsPerSecond: 4, winsPerSecond: 3 },
      { second: OPENS_AT.getTime() + 1_000, attemptsPerSecond: 2, winsPerSecond: 0 },
    ]);

    // The report itself writes nothing; once the due snapshot has copied the timeline to MySQL, the report survives
    // Redis losing it.
    const { snapshotSaleTimeline } = await import("~/server/domain/admin/sales/snapshot-sale-timelines.ts");
    await snapshotSaleTimeline(deps, { saleId: sale.id });
    const minute = Math.floor(OPENS_AT.getTime() / 60_000);
    const { saleKeys, timelineKey } = await import("~/server/domain/sales/keys.ts");
    await redis.del(timelineKey(saleKeys(sale.id), minute));
    expect((await admin.adminSale.report.query({ id: sale.id })).summary.peakAttemptsPerSecond).toBe(4);

    const { fileName, csv } = await admin.adminSale.reportCsv.query({ id: sale.id });
    expect(fileName).toBe(`flashmart-sale-${sale.id}-report.csv`);
    expect(csv.startsWith(CSV_BOM)).toBe(true);
    const lines = csv.slice(1).split("\r\n");
    expect(lines[0]).toBe("항목,값");
    expect(lines).toContain(`세일 번호,${sale.id}`);
    // A formula-looking name is defused and quoted (it contains a comma and quotes).
    expect(lines).toContain(`상품,"'=HYPERLINK(""x"") 한정판, 스니커즈"`);
    expect(lines).toContain("수량,3");
    expect(lines).toContain("판매(결제 완료·미반품),3");
    expect(lines).toContain("만료,1");
    expect(lines).toContain("취소,1");
    expect(lines).toContain("초과 판매,0");
    expect(lines).toContain("매진까지 걸린 시간(초),40.000");
    expect(lines).toContain("첫 결제 시각(KST),2234-03-01 12:00:05");
    expect(lines).toContain("최대 초당 시도,4");
    const timelineHeader = lines.indexOf("시각(KST),시도,선점 성공");
    expect(lines[timelineHeader - 1]).toBe("");
    expect(lines.slice(timelineHeader + 1, timelineHeader + 3)).toEqual(["2234-03-01 12:00:00,4,3", "2234-03-01 12:00:01,2,0"]);
  });

  it("reports a sale that has not sold out as such", async () => {
    const sale = await newSale({ quantity: 10 });
    const report = await admin.adminSale.report.query({ id: sale.id });
    expect(report.summary).toMatchObject({ sold: 0, oversold: 0, sellOutAt: null, timeToSellOutMs: null, firstPurchaseAt: null, peakAttemptsPerSecond: 0 });
    expect(report.chart.points).toEqual([]);
    const { csv } = await admin.adminSale.reportCsv.query({ id: sale.id });
    expect(csv.split("\r\n")).toContain("매진까지 걸린 시간(초),");
  });
});
