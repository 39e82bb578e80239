import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { createApp } from "~/server/app.ts";
import { fixedClock } from "~/server/clock.ts";
import { createPrismaClient, db } from "~/server/db.ts";
import { writeHoldOrder, type HoldOrder } from "~/server/domain/sales/write-hold-orders.ts";
import { redis } from "~/server/redis.ts";
import { createFlashSale, createUsers } from "~/server/testing/factories.ts";
import { deleteSaleCompletely } from "~/server/testing/sales.ts";

const paymentDueAt = new Date("2031-07-01T03:10:00.000Z");
/** When the holds were won, on the app's clock: the orders' createdAt and their events' availableAt. */
const wonAt = new Date("2031-07-01T03:00:00.000Z");
let saleId: number;
const deps = createApp({ db, redis, clock: fixedClock(wonAt) });

beforeAll(async () => {
  saleId = (await createFlashSale(db, { opensAt: new Date("2031-07-01T03:00:00.000Z"), quantity: 500, salePrice: 41_000 })).id;
});

afterAll(async () => {
  const orders = await db.order.findMany({ where: { saleId }, select: { id: true } });
  await db.outboxEvent.deleteMany({ where: { OR: orders.map((order) => ({ payload: { path: "$.orderId", equals: order.id } })) } });
  await deleteSaleCompletely({ db, redis }, saleId);
});

let lastWinSeq = 0;
function holdFor(userId: string): HoldOrder {
  lastWinSeq += 1;
  return { orderId: crypto.randomUUID().replaceAll("-", ""), userId, saleId, idempotencyKey: crypto.randomUUID(), paymentDueAt, createdAt: wonAt, winBucket: 0, winSeq: lastWinSeq };
}

describe("writeHoldOrder (group commit of winning holds)", () => {
  it("writes winners of the same moment together: every order with its line and its outbox event, in few transactions", async () => {
    const buyers = await createUsers(db, 150);
    const holds = buyers.map((buyer) => holdFor(buyer.id));
    const transactions = vi.spyOn(db, "$transaction");
    try {
      await Promise.all(holds.map((hold) => writeHoldOrder(deps, hold)));
      expect(transactions.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      transactions.mockRestore();
    }

    const orders = await db.order.findMany({ where: { id: { in: holds.map((hold) => hold.orderId) } }, select: { id: true, status: true, totalAmount: true, dueAt: true, createdAt: true, updatedAt: true, items: { select: { unitPrice: true, quantity: true } } } });
    expect(orders).toHaveLength(150);
    expect(orders.every((order) => order.status === "PENDING_PAYMENT" && order.totalAmount === 41_000 && order.dueAt?.getTime() === paymentDueAt.getTime())).toBe(true);
    // The app's clock, written as UTC like every Prisma write, whatever the MySQL session's time zone.
    expect(orders.every((order) => order.createdAt.getTime() === wonAt.getTime() && order.updatedAt.getTime() === wonAt.getTime())).toBe(true);
    expect(orders.every((order) => order.items.length === 1 && order.items[0]!.unitPrice === 41_000 && order.items[0]!.quantity === 1)).toBe(true);
    const events = await db.outboxEvent.findMany({ where: { name: "shop/order.placed", OR: holds.map((hold) => ({ payload: { path: "$.orderId", equals: hold.orderId } })) } });
    expect(events).toHaveLength(150);
    expect(events.every((event) => event.availableAt.getTime() === wonAt.getTime() && event.processedAt === null && (event.payload as { paymentDueAt: string }).paymentDueAt === paymentDueAt.toISOString())).toBe(true);
  });

  it("a row MySQL refuses fails only its own caller; its batch-mates are committed", async () => {
    const buyers = await createUsers(db, 5);
    const holds = buyers.map((buyer) => holdFor(buyer.id));
    const orphan = holdFor("no-such-user");

    const results = await Promise.allSettled([...holds, orphan].map((hold) => writeHoldOrder(deps, hold)));

    expect(results.slice(0, 5).every((result) => result.status === "fulfilled")).toBe(true);
    expect(results[5]).toMatchObject({ status: "rejected" });
    expect(await db.order.count({ where: { id: { in: holds.map((hold) => hold.orderId) } } })).toBe(5);
    expect(await db.order.count({ where: { id: orphan.orderId } })).toBe(0);
  });

  it("rejects every caller when MySQL is unreachable", async () => {
    const [buyer] = await createUsers(db, 1);
    const deadDb = createPrismaClient("mysql://root@127.0.0.1:1/flashmart", 1);
    try {
      const results = await Promise.allSettled([holdFor(buyer!.id), holdFor(buyer!.id)].map((hold) => writeHoldOrder({ ...deps, db: deadDb }, hold)));
      expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    } finally {
      await deadDb.$disconnect();
    }
  });

  it("caches the sale's price in the sale engine for its TTL on the app's clock, then reads it again", async () => {
    const sale = await createFlashSale(db, { opensAt: wonAt, quantity: 10, salePrice: 30_000 });
    const clock = fixedClock(wonAt);
    const clockedDeps = createApp({ db, redis, clock });
    const [first, second, third] = await createUsers(db, 3);
    const holdOn = (userId: string) => ({ ...holdFor(userId), saleId: sale.id, createdAt: clock.now() });
    const priceOf = async (orderId: string) => (await db.order.findUniqueOrThrow({ where: { id: orderId }, select: { totalAmount: true } })).totalAmount;
    try {
      const a = holdOn(first!.id);
      await writeHoldOrder(clockedDeps, a);
      await db.sale.update({ where: { id: sale.id }, data: { salePrice: 31_000 } });

      const b = holdOn(second!.id);
      clock.advance(4_999);
      await writeHoldOrder(clockedDeps, b);
      const c = holdOn(third!.id);
      clock.advance(2);
      await writeHoldOrder(clockedDeps, c);

      expect([await priceOf(a.orderId), await priceOf(b.orderId), await priceOf(c.orderId)]).toEqual([30_000, 30_000, 31_000]);
    } finally {
      const orders = await db.order.findMany({ where: { saleId: sale.id }, select: { id: true } });
      await db.outboxEvent.deleteMany({ where: { OR: orders.map((order) => ({ payload: { path: "$.orderId", equals: order.id } })) } });
      await deleteSaleCompletely({ db, redis }, sale.id);
    }
  });
});
