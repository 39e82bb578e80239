// Reconciliation settles the ledger against the provider's own record. Its own database (the sweep touches every
// unsettled row) and its own sandbox (its counts are this file's).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { createApp } from "~/server/app.ts";
import { fixedClock } from "~/server/clock.ts";
import { createPrismaClient, type Db } from "~/server/db.ts";
import { expireOrder } from "~/server/domain/orders/expire-unpaid-orders.ts";
import { openAttempt } from "~/server/domain/payments/ledger.ts";
import { countPaidSaleUnits } from "~/server/domain/payments/paid-sale-units.ts";
import { reconcilePayments, RECONCILIATION } from "~/server/domain/payments/reconcile-payments.ts";
import { createPaymentSandbox } from "~/server/payment-sandbox/server.ts";
import { createPaymentGateway } from "~/server/payments/gateway.ts";
import type { PaymentGateway } from "~/server/payments/types.ts";
import { redis } from "~/server/redis.ts";
import { createScratchDatabase } from "~/server/testing/db-url.ts";
import { createAddress, createFlashSale, createOrder, createProduct, createUser } from "~/server/testing/factories.ts";
import { newPaymentKey, ORDER_TEST_EPOCH } from "~/server/testing/orders.ts";

const PRICE = 39_000;

describe("reconcilePayments", () => {
  const sandbox = createPaymentSandbox();
  let db: Db;
  let dropScratch: () => Promise<void>;
  let gateway: PaymentGateway;
  const clock = fixedClock(ORDER_TEST_EPOCH);
  const deps = () => createApp({ db, redis, clock, payments: gateway });

  /** A flash-sale hold (no address yet) whose buyer has a saved address. */
  async function saleHold() {
    const user = await createUser(db);
    const address = await createAddress(db, user.id);
    const product = await createProduct(db, { price: 80_000, stock: 0 });
    const sale = await createFlashSale(db, { productId: product.id, opensAt: clock.now(), quantity: 1, salePrice: PRICE, state: "OPEN" });
    const order = await createOrder(db, { userId: user.id, productId: product.id, saleId: sale.id, unitPrice: PRICE, paymentDueAt: new Date(clock.now().getTime() + 10 * 60_000) });
    return { user, address, sale, order };
  }

  /** The buyer's confirm reached the provider, but its answer never reached us: a PENDING row and a real charge. */
  async function lostAnswer(hold: Awaited<ReturnType<typeof saleHold>>, options: { isCharged?: boolean } = {}) {
    const paymentKey = newPaymentKey();
    const { row } = await openAttempt(deps(), { orderId: hold.order.id, provider: gateway.name, paymentKey, amount: PRICE, addressId: hold.address.id });
    if (options.isCharged ?? true) await gateway.confirm({ paymentKey, orderId: hold.order.id, amount: PRICE });
    return { paymentId: row.id, paymentKey };
  }

  const rowOf = (paymentId: number) => db.payment.findUniqueOrThrow({ where: { id: paymentId }, select: { status: true, flaggedAt: true, failureCode: true } });
  const auditOf = (paymentId: number) =>
    db.auditLog.findMany({ where: { targetType: "PAYMENT", targetId: String(paymentId) }, orderBy: { id: "asc" }, select: { actorId: true, action: true, metadata: true } });

  beforeAll(async () => {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL!, "reconcile");
    db = createPrismaClient(scratch.databaseUrl, 4);
    dropScratch = scratch.drop;
    gateway = createPaymentGateway({ baseUrl: await sandbox.listen(0), timeoutMs: 500, retry: { maxAttempts: 0, initialDelayMs: 10, maxDelayMs: 10 }, breaker: { consecutiveFailures: 1_000, halfOpenAfterMs: 100 } });
  });

  beforeEach(() => {
    sandbox.reset();
    clock.set(ORDER_TEST_EPOCH);
  });

  afterAll(async () => {
    await sandbox.close();
    await db.$disconnect();
    await dropScratch();
  });

  it("leaves a fresh PENDING row to its own request, then finishes the PAID transition with the address the buyer chose", async () => {
    const hold = await saleHold();
    const { paymentId } = await lostAnswer(hold);

    await reconcilePayments(deps());
    expect((await rowOf(paymentId)).status).toBe("PENDING");

    clock.advance(RECONCILIATION.pendingAfterMs);
    await expect(reconcilePayments(deps())).resolves.toEqual({ processed: 1 });

    const order = await db.order.findUniqueOrThrow({ where: { id: hold.order.id }, select: { status: true, recipientEnc: true, soldCountedAt: true } });
    expect(order).toMatchObject({ status: "PAID", recipientEnc: expect.any(String), soldCountedAt: expect.any(Date) });
    expect((await rowOf(paymentId)).status).toBe("APPROVED");
    expect((await db.sale.findUniqueOrThrow({ where: { id: hold.sale.id } })).soldCount).toBe(1);
    expect(sandbox.stats()).toMatchObject({ approved: 1, cancelled: 0 });
    expect(await auditOf(paymentId)).toEqual([{ actorId: "system", action: "payment.reconcile", metadata: { orderId: hold.order.id, result: "paid", from: "PENDING" } }]);
  });

  it("refunds a charge whose order expired meanwhile, and never marks that order paid", async () => {
    const hold = await saleHold();
    const { paymentId, paymentKey } = await lostAnswer(hold);
    clock.advance(10 * 60_000);
    await expireOrder(deps(), { orderId: hold.order.id });

    await reconcilePayments(deps());

    expect((await db.order.findUniqueOrThrow({ where: { id: hold.order.id } })).status).toBe("EXPIRED");
    expect(await rowOf(paymentId)).toMatchObject({ status: "REFUNDED", failureCode: "ORDER_NOT_PAYABLE" });
    expect(sandbox.payment(paymentKey)?.status).toBe("CANCELED");
    expect((await auditOf(paymentId)).map((entry) => entry.metadata)).toEqual([{ orderId: hold.order.id, result: "refund-requested", from: "PENDING" }]);
  });

  it("closes an attempt the provider never captured only after its bound, and one it cancelled at once", async () => {
    const neverCharged = await lostAnswer(await saleHold(), { isCharged: false });
    const cancelled = await lostAnswer(await saleHold());
    await gateway.cancel({ paymentKey: cancelled.paymentKey, reason: "test", idempotencyKey: `test-${cancelled.paymentKey}` });

    clock.advance(RECONCILIATION.pendingAfterMs);
    await reconcilePayments(deps());
    expect((await rowOf(neverCharged.paymentId)).status).toBe("PENDING");
    expect(await rowOf(cancelled.paymentId)).toMatchObject({ status: "REFUNDED", failureCode: "CANCELLED_AT_PROVIDER" });

    clock.advance(RECONCILIATION.notCapturedAfterMs);
    await reconcilePayments(deps());
    expect(await rowOf(neverCharged.paymentId)).toMatchObject({ status: "FAILED", failureCode: "NOT_CAPTURED" });
  });

  it("keeps retrying while the provider is down, flags what is still unsettled after its bound, and settles it when the provider is back", async () => {
    const hold = await saleHold();
    const { paymentId } = await lostAnswer(hold);
    sandbox.config.outage = true;

    clock.advance(RECONCILIATION.pendingAfterMs);
    await reconcilePayments(deps());
    expect(await rowOf(paymentId)).toMatchObject({ status: "PENDING", flaggedAt: null });

    clock.advance(RECONCILIATION.flagAfterMs);
    await reconcilePayments(deps());
    expect(await rowOf(paymentId)).toMatchObject({ status: "PENDING", flaggedAt: clock.now() });
    expect((await auditOf(paymentId)).map((entry) => entry.action)).toEqual(["payment.flag"]);

    sandbox.config.outage = false;
    clock.advance(RECONCILIATION.recheckDelayMs(10));
    await reconcilePayments(deps());
    // The deadline passed while the provider was down: the charge cannot be the order's payment any more.
    expect((await rowOf(paymentId)).status).toBe("REFUNDED");
    expect((await auditOf(paymentId)).map((entry) => entry.action)).toEqual(["payment.flag", "payment.reconcile"]);
  });

  it("gives back money owed (REFUND_PENDING) whose immediate refund failed", async () => {
    const hold = await saleHold();
    const { paymentId, paymentKey } = await lostAnswer(hold);
    await db.payment.update({ where: { id: paymentId }, data: { status: "REFUND_PENDING", statusAt: clock.now() } });

    await reconcilePayments(deps());
    expect((await rowOf(paymentId)).status).toBe("REFUND_PENDING");

    clock.advance(RECONCILIATION.refundAfterMs);
    await reconcilePayments(deps());
    expect((await rowOf(paymentId)).status).toBe("REFUNDED");
    expect(sandbox.payment(paymentKey)?.status).toBe("CANCELED");
  });
});

describe("countPaidSaleUnits", () => {
  it("counts a paid sale unit whose count a crash interrupted, once", async () => {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL!, "salecount");
    const db = createPrismaClient(scratch.databaseUrl, 2);
    try {
      const clock = fixedClock(ORDER_TEST_EPOCH);
      const user = await createUser(db);
      const product = await createProduct(db, { stock: 0 });
      const sale = await createFlashSale(db, { productId: product.id, opensAt: clock.now(), quantity: 2, state: "OPEN" });
      const order = await createOrder(db, { userId: user.id, productId: product.id, saleId: sale.id, status: "PAID", paidAt: clock.now() });
      // As a payment leaves it: waiting to ship a day later.
      await db.order.update({ where: { id: order.id }, data: { dueAt: new Date(clock.now().getTime() + 24 * 3_600_000) } });

      await expect(countPaidSaleUnits(createApp({ db, redis, clock }))).resolves.toEqual({ processed: 0 });
      clock.advance(5_000);
      await expect(countPaidSaleUnits(createApp({ db, redis, clock }))).resolves.toEqual({ processed: 1 });
      await expect(countPaidSaleUnits(createApp({ db, redis, clock }))).resolves.toEqual({ processed: 0 });

      expect((await db.sale.findUniqueOrThrow({ where: { id: sale.id } })).soldCount).toBe(1);
      expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).soldCountedAt).toEqual(clock.now());
    } finally {
      await db.$disconnect();
      await scratch.drop();
    }
  });
});
