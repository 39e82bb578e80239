import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createApp } from "~/server/app.ts";
import { fixedClock, type FixedClock } from "~/server/clock.ts";
import { createPrismaClient, db, type Db } from "~/server/db.ts";
import { createLocalDispatcher } from "~/server/domain/due-work/local-event-handlers.ts";
import { advanceOrder, advanceOrderDeliveries } from "~/server/domain/orders/advance-deliveries.ts";
import { cancelOrder } from "~/server/domain/orders/cancel-order.ts";
import { completeDueReturns, completeReturn } from "~/server/domain/orders/complete-returns.ts";
import { expireOrder, expireUnpaidOrders } from "~/server/domain/orders/expire-unpaid-orders.ts";
import { orderEventHandlers } from "~/server/domain/orders/order-event-handlers.ts";
import { returnWindowEndsAt } from "~/server/domain/orders/order-timing.ts";
import { payOrder } from "~/server/domain/orders/pay-order.ts";
import { placeOrder } from "~/server/domain/orders/place-order.ts";
import { requestReturn } from "~/server/domain/orders/request-return.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { relayOutbox } from "~/server/domain/outbox/relay-outbox.ts";
import { sendEmail } from "~/server/email.ts";
import { redis } from "~/server/redis.ts";
import { createScratchDatabase } from "~/server/testing/db-url.ts";
import { createAddress, createCategory, createProduct, createUser } from "~/server/testing/factories.ts";
import { deleteUsersWithOrders, newIdempotencyKey, newPaymentKey, ORDER_TEST_EPOCH } from "~/server/testing/orders.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe("returnWindowEndsAt", () => {
  it("ends at midnight KST after the day following delivery, whatever the hour", () => {
    // 2030-05-10 23:30 KST and 2030-05-10 00:10 KST are both delivered on the 10th: returns until the end of the 11th.
    expect(returnWindowEndsAt(new Date("2030-05-10T14:30:00Z"), 1)).toEqual(new Date("2030-05-11T15:00:00Z"));
    expect(returnWindowEndsAt(new Date("2030-05-09T15:10:00Z"), 1)).toEqual(new Date("2030-05-11T15:00:00Z"));
    expect(returnWindowEndsAt(new Date("2030-05-09T15:10:00Z"), 0)).toEqual(new Date("2030-05-10T15:00:00Z"));
  });
});

describe("order lifecycle with an injected clock", () => {
  // Per-order operations only on the shared database (sweeps would touch other files' orders).
  const start = new Date(ORDER_TEST_EPOCH.getTime() + 30 * 24 * HOUR);
  let categoryId: number;
  const userIds: string[] = [];

  async function setUp(options: { stock?: number; quantity?: number; price?: number } = {}) {
    const clock = fixedClock(start);
    const user = await createUser(db);
    userIds.push(user.id);
    const address = await createAddress(db, user.id);
    const product = await createProduct(db, { categoryId, stock: options.stock ?? 5, price: options.price ?? 10_000 });
    const deps = createApp({ db, redis, clock });
    const order = await placeOrder(deps, {
      userId: user.id,
      source: { type: "product", productId: product.id, quantity: options.quantity ?? 1 },
      addressId: address.id,
      idempotencyKey: newIdempotencyKey(),
    });
    return { clock, deps, user, product, order };
  }

  async function pay(setup: Awaited<ReturnType<typeof setUp>>) {
    return payOrder(setup.deps, { userId: setup.user.id, orderId: setup.order.id, paymentKey: newPaymentKey(), amount: setup.order.totalAmount });
  }

  const stockOf = async (productId: number) => db.product.findUniqueOrThrow({ where: { id: productId }, select: { stock: true, status: true } });
  const orderOf = (orderId: string) => db.order.findUniqueOrThrow({ where: { id: orderId } });
  const eventsFor = (name: string, orderId: string) => db.outboxEvent.count({ where: { name, payload: { path: "$.orderId", equals: orderId } } });

  beforeAll(async () => {
    categoryId = (await createCategory(db)).id;
  });

  afterAll(async () => {
    await deleteUsersWithOrders(db, userIds);
    await db.sale.deleteMany({ where: { product: { categoryId } } });
    await db.product.deleteMany({ where: { categoryId } });
    await db.category.delete({ where: { id: categoryId } });
  });

  it("expires an unpaid order at its deadline, not before, and returns its stock once", async () => {
    const setup = await setUp({ stock: 2, quantity: 2 });
    expect(await stockOf(setup.product.id)).toEqual({ stock: 0, status: "SOLD_OUT" });

    setup.clock.set(setup.order.paymentDueAt.getTime() - 1);
    expect(await expireOrder(setup.deps, { orderId: setup.order.id })).toBe(false);

    setup.clock.set(setup.order.paymentDueAt);
    const runs = await Promise.all(Array.from({ length: 5 }, () => expireOrder(setup.deps, { orderId: setup.order.id })));

    expect(runs.filter(Boolean)).toHaveLength(1);
    expect(await stockOf(setup.product.id)).toEqual({ stock: 2, status: "AVAILABLE" });
    expect(await orderOf(setup.order.id)).toMatchObject({ status: "EXPIRED", expiredAt: setup.order.paymentDueAt, dueAt: null, stockReleasedAt: setup.order.paymentDueAt });
  });

  it("returns stock exactly once when the buyer cancels while expiry runs (repeated races)", async () => {
    for (let round = 0; round < 8; round += 1) {
      const setup = await setUp({ stock: 3, quantity: 3 });
      setup.clock.set(setup.order.paymentDueAt);

      const results = await Promise.allSettled([
        cancelOrder(setup.deps, { userId: setup.user.id, id: setup.order.id }),
        expireOrder(setup.deps, { orderId: setup.order.id }),
        expireOrder(setup.deps, { orderId: setup.order.id }),
        cancelOrder(setup.deps, { userId: setup.user.id, id: setup.order.id }),
      ]);

      expect((await stockOf(setup.product.id)).stock).toBe(3);
      expect(["CANCELLED", "EXPIRED"]).toContain((await orderOf(setup.order.id)).status);
      for (const result of results) {
        if (result.status === "rejected") expect(result.reason).toMatchObject({ code: "INVALID_STATE" });
      }
    }
  });

  it("refuses to pay once the deadline has passed, even before expiry runs", async () => {
    const setup = await setUp();
    setup.clock.set(setup.order.paymentDueAt);
    await expect(pay(setup)).rejects.toMatchObject({ code: "INVALID_STATE" });
  });

  it("ships at D+1, delivers at D+2 and confirms when the return window closes, each once", async () => {
    const setup = await setUp({ stock: 4 });
    setup.clock.advance(3 * MINUTE);
    const paid = await pay(setup);
    const paidAt = paid.paidAt!;

    setup.clock.set(paidAt.getTime() + 24 * HOUR - 1);
    expect(await advanceOrder(setup.deps, { orderId: setup.order.id, step: "ship" })).toBe(false);
    setup.clock.set(paidAt.getTime() + 24 * HOUR);
    const ships = await Promise.all(Array.from({ length: 4 }, () => advanceOrder(setup.deps, { orderId: setup.order.id, step: "ship" })));
    expect(ships.filter(Boolean)).toHaveLength(1);
    expect(await orderOf(setup.order.id)).toMatchObject({ status: "SHIPPING", shippedAt: new Date(paidAt.getTime() + 24 * HOUR) });
    expect(await eventsFor("shop/order.shipped", setup.order.id)).toBe(1);

    expect(await advanceOrder(setup.deps, { orderId: setup.order.id, step: "deliver" })).toBe(false);
    setup.clock.set(paidAt.getTime() + 48 * HOUR);
    expect(await advanceOrder(setup.deps, { orderId: setup.order.id, step: "deliver" })).toBe(true);
    const delivered = await orderOf(setup.order.id);
    expect(delivered).toMatchObject({ status: "DELIVERED", deliveredAt: new Date(paidAt.getTime() + 48 * HOUR), dueAt: returnWindowEndsAt(delivered.deliveredAt!, setup.deps.config.orderTimings.returnWindowDays) });
    expect(await eventsFor("shop/order.delivered", setup.order.id)).toBe(1);

    setup.clock.set(delivered.dueAt!.getTime() - 1);
    expect(await advanceOrder(setup.deps, { orderId: setup.order.id, step: "confirm" })).toBe(false);
    setup.clock.set(delivered.dueAt!);
    expect(await advanceOrder(setup.deps, { orderId: setup.order.id, step: "confirm" })).toBe(true);
    expect(await orderOf(setup.order.id)).toMatchObject({ status: "CONFIRMED", confirmedAt: delivered.dueAt, dueAt: null });
    await expect(requestReturn(setup.deps, { userId: setup.user.id, id: setup.order.id })).rejects.toMatchObject({ code: "INVALID_STATE" });
    // Confirmed sales keep their stock.
    expect((await stockOf(setup.product.id)).stock).toBe(3);
  });

  it("takes a return within the window and completes it a day later: stock back and payment refunded", async () => {
    const setup = await setUp({ stock: 4, price: 21_000 });
    const paidAt = (await pay(setup)).paidAt!;
    setup.clock.set(paidAt.getTime() + 48 * HOUR);
    await advanceOrder(setup.deps, { orderId: setup.order.id, step: "ship" });
    await advanceOrder(setup.deps, { orderId: setup.order.id, step: "deliver" });
    const windowEnd = (await orderOf(setup.order.id)).dueAt!;

    setup.clock.set(windowEnd.getTime() - MINUTE);
    const requestedAt = setup.clock.now();
    await expect(requestReturn(setup.deps, { userId: setup.user.id, id: setup.order.id })).resolves.toMatchObject({ status: "RETURN_REQUESTED" });
    // The window closing does not confirm an order whose return was requested.
    setup.clock.set(windowEnd);
    expect(await advanceOrder(setup.deps, { orderId: setup.order.id, step: "confirm" })).toBe(false);

    setup.clock.set(requestedAt.getTime() + 24 * HOUR - 1);
    expect(await completeReturn(setup.deps, { orderId: setup.order.id })).toBe(false);
    expect((await stockOf(setup.product.id)).stock).toBe(3);

    setup.clock.set(requestedAt.getTime() + 24 * HOUR);
    const runs = await Promise.all(Array.from({ length: 3 }, () => completeReturn(setup.deps, { orderId: setup.order.id })));
    expect(runs.filter(Boolean)).toHaveLength(1);
    expect((await stockOf(setup.product.id)).stock).toBe(4);
    expect(await orderOf(setup.order.id)).toMatchObject({ status: "RETURNED", returnedAt: new Date(requestedAt.getTime() + 24 * HOUR) });
    expect(await db.payment.findMany({ where: { orderId: setup.order.id }, select: { status: true, refundedAt: true } })).toEqual([{ status: "REFUNDED", refundedAt: setup.clock.now() }]);
    expect(await eventsFor("shop/payment.refund-requested", setup.order.id)).toBe(1);
    expect(await eventsFor("shop/order.returned", setup.order.id)).toBe(1);
  });

  it("refuses a return after the window and leaves the order as it was", async () => {
    const setup = await setUp();
    const paidAt = (await pay(setup)).paidAt!;
    setup.clock.set(paidAt.getTime() + 48 * HOUR);
    await advanceOrder(setup.deps, { orderId: setup.order.id, step: "ship" });
    await advanceOrder(setup.deps, { orderId: setup.order.id, step: "deliver" });
    setup.clock.set((await orderOf(setup.order.id)).dueAt!);

    const error = await requestReturn(setup.deps, { userId: setup.user.id, id: setup.order.id }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).message).toContain("반품 신청 기간");
    expect((await orderOf(setup.order.id)).status).toBe("DELIVERED");
  });

  describe("flash-sale orders", () => {
    async function saleOrder(options: { paid: boolean }) {
      const clock = fixedClock(start);
      const user = await createUser(db);
      userIds.push(user.id);
      const product = await createProduct(db, { categoryId, stock: 7 });
      const sale = await db.sale.create({ data: { productId: product.id, salePrice: 5_000, quantity: 2, opensAt: start, state: "OPEN" } });
      const paymentDueAt = new Date(start.getTime() + 10 * MINUTE);
      const order = await db.order.create({
        data: {
          userId: user.id,
          saleId: sale.id,
          idempotencyKey: newIdempotencyKey(),
          totalAmount: 5_000,
          paymentDueAt,
          dueAt: paymentDueAt,
          items: { create: { productId: product.id, productName: product.name, unitPrice: 5_000, quantity: 1, lineTotal: 5_000 } },
        },
      });
      const deps = createApp({ db, redis, clock });
      // A sale order has no address until it is paid: the buyer chooses one of theirs on the pay page.
      const address = await createAddress(db, user.id);
      if (options.paid) await payOrder(deps, { userId: user.id, orderId: order.id, paymentKey: newPaymentKey(), amount: 5_000, addressId: address.id });
      return { deps, clock, user, product, sale, order };
    }
    const soldCount = async (saleId: number) => (await db.sale.findUniqueOrThrow({ where: { id: saleId } })).soldCount;

    it("counts a paid unit in the sale and never touches Product.stock", async () => {
      const { sale, product, order } = await saleOrder({ paid: true });
      expect(await soldCount(sale.id)).toBe(1);
      expect((await orderOf(order.id)).status).toBe("PAID");
      expect((await stockOf(product.id)).stock).toBe(7);
    });

    it("gives the unit back to the sale on cancel of a paid order, and expiry of an unpaid one changes no counters", async () => {
      const paid = await saleOrder({ paid: true });
      await cancelOrder(paid.deps, { userId: paid.user.id, id: paid.order.id });
      expect(await soldCount(paid.sale.id)).toBe(0);
      expect((await stockOf(paid.product.id)).stock).toBe(7);

      const unpaid = await saleOrder({ paid: false });
      unpaid.clock.set(unpaid.order.paymentDueAt);
      expect(await expireOrder(unpaid.deps, { orderId: unpaid.order.id })).toBe(true);
      expect(await soldCount(unpaid.sale.id)).toBe(0);
      expect((await stockOf(unpaid.product.id)).stock).toBe(7);
    });
  });
});

describe("due-work sweeps and the local outbox consumers (private database)", () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let scratchDb: Db;
  let clock: FixedClock;

  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.DATABASE_URL!, "orderlife");
    scratchDb = createPrismaClient(scratch.databaseUrl, 4);
    clock = fixedClock(ORDER_TEST_EPOCH);
  });

  afterAll(async () => {
    await scratchDb?.$disconnect();
    await scratch?.drop();
  });

  it("runs every step of every order from the sweeps alone, and mails the buyer for each", async () => {
    const deps = createApp({ db: scratchDb, redis, clock, sendEmail });
    const dispatch = createLocalDispatcher(orderEventHandlers(deps));
    const user = await createUser(scratchDb);
    const address = await createAddress(scratchDb, user.id);
    const product = await createProduct(scratchDb, { stock: 10, price: 4_000 });
    const place = () => placeOrder(deps, { userId: user.id, source: { type: "product", productId: product.id, quantity: 1 }, addressId: address.id, idempotencyKey: newIdempotencyKey() });

    const abandoned = await place();
    const kept = await place();
    const returned = await place();
    await relayOutbox({ db: scratchDb, clock, dispatch });
    for (const order of [kept, returned]) await payOrder(deps, { userId: user.id, orderId: order.id, paymentKey: newPaymentKey(), amount: 4_000 });
    expect((await scratchDb.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(7);

    const sweep = async () => {
      const results = [await expireUnpaidOrders(deps), await advanceOrderDeliveries(deps), await completeDueReturns(deps)];
      await relayOutbox({ db: scratchDb, clock, dispatch });
      return results.map((result) => result.processed);
    };

    clock.advance(10 * MINUTE);
    expect(await sweep()).toEqual([1, 0, 0]);
    clock.advance(24 * HOUR);
    expect(await sweep()).toEqual([0, 2, 0]);
    clock.advance(24 * HOUR);
    expect(await sweep()).toEqual([0, 2, 0]);
    await requestReturn(deps, { userId: user.id, id: returned.id });
    clock.advance(24 * HOUR);
    expect(await sweep()).toEqual([0, 0, 1]);
    clock.advance(3 * 24 * HOUR);
    expect(await sweep()).toEqual([0, 1, 0]);
    expect(await sweep()).toEqual([0, 0, 0]);

    const statuses = await scratchDb.order.findMany({ where: { id: { in: [abandoned.id, kept.id, returned.id] } }, select: { id: true, status: true } });
    expect(Object.fromEntries(statuses.map((order) => [order.id, order.status]))).toEqual({ [abandoned.id]: "EXPIRED", [kept.id]: "CONFIRMED", [returned.id]: "RETURNED" });
    expect((await scratchDb.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(9);
    expect(await scratchDb.payment.findMany({ where: { orderId: returned.id }, select: { status: true } })).toEqual([{ status: "REFUNDED" }]);

    const mails = await scratchDb.emailMessage.findMany({ where: { toAddress: user.email }, select: { template: true, subject: true, html: true } });
    const templates = mails.map((mail) => mail.template).sort();
    expect(templates).toEqual(
      ["order-placed", "order-placed", "order-placed", "order-paid", "order-paid", "order-shipped", "order-shipped", "order-delivered", "order-delivered", "order-returned"].sort(),
    );
    expect(mails.every((mail) => mail.subject.startsWith("[FlashMart]") && mail.html.includes('lang="ko"'))).toBe(true);
    expect(await scratchDb.outboxEvent.count({ where: { processedAt: null } })).toBe(0);
  });

  it("keeps retrying a refund through the outbox while the provider refuses, then refunds once", async () => {
    const deps = createApp({ db: scratchDb, redis, clock, sendEmail });
    const user = await createUser(scratchDb);
    const address = await createAddress(scratchDb, user.id);
    const product = await createProduct(scratchDb, { stock: 2, price: 6_000 });
    const order = await placeOrder(deps, { userId: user.id, source: { type: "product", productId: product.id, quantity: 1 }, addressId: address.id, idempotencyKey: newIdempotencyKey() });
    await payOrder(deps, { userId: user.id, orderId: order.id, paymentKey: newPaymentKey(), amount: 6_000 });

    let isProviderDown = true;
    const handlers = orderEventHandlers(deps);
    const refundHandler = handlers["shop/payment.refund-requested"]!;
    const dispatch = createLocalDispatcher({
      ...handlers,
      "shop/payment.refund-requested": async (message) => {
        if (isProviderDown) throw new Error("provider down");
        await refundHandler(message);
      },
    });

    // Cancel with an unreachable provider: the cancellation stands, the immediate refund fails, the outbox keeps it.
    const cancelled = await cancelOrder({ ...deps, payments: unreachableGateway() }, { userId: user.id, id: order.id });
    expect(cancelled).toMatchObject({ status: "CANCELLED", isRefundRequested: true });
    expect(await scratchDb.payment.findFirstOrThrow({ where: { orderId: order.id } })).toMatchObject({ status: "REFUND_PENDING" });

    await relayOutbox({ db: scratchDb, clock, dispatch });
    const pending = await scratchDb.outboxEvent.findFirstOrThrow({ where: { name: "shop/payment.refund-requested", processedAt: null } });
    expect(pending.attempts).toBe(1);

    isProviderDown = false;
    clock.advance(60_000);
    await relayOutbox({ db: scratchDb, clock, dispatch });
    await relayOutbox({ db: scratchDb, clock, dispatch });
    expect(await scratchDb.payment.findFirstOrThrow({ where: { orderId: order.id } })).toMatchObject({ status: "REFUNDED" });
    expect(await scratchDb.outboxEvent.count({ where: { processedAt: null } })).toBe(0);
  });
});

function unreachableGateway() {
  const unavailable = () => Promise.reject(new Error("connect ECONNREFUSED"));
  return { name: "sandbox", confirm: unavailable, cancel: unavailable, lookUp: unavailable, circuitStatus: () => "open" as const };
}
