// Payment reconciliation for admins over HTTP: the discrepancy lists and "check now". Its own database (the lists
// and the ledger-invariant query read whole tables) and its own sandbox (what the provider holds is this file's).
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { fixedClock } from "~/server/clock.ts";
import { createPrismaClient, type Db } from "~/server/db.ts";
import { logger } from "~/server/logger.ts";
import { createPaymentSandbox } from "~/server/payment-sandbox/server.ts";
import { createPaymentGateway } from "~/server/payments/gateway.ts";
import type { PaymentGateway } from "~/server/payments/types.ts";
import { redis } from "~/server/redis.ts";
import { trpcErrorOf } from "~/server/testing/api-test.ts";
import { createScratchDatabase } from "~/server/testing/db-url.ts";
import { createAddress, createOrder, createProduct, createUser } from "~/server/testing/factories.ts";
import { createTestClient, sessionCookieFor, startTestServer } from "~/server/testing/http.ts";
import { newPaymentKey, ORDER_TEST_EPOCH } from "~/server/testing/orders.ts";

const PRICE = 39_000;
const MINUTE = 60_000;

describe("adminPayment", () => {
  const sandbox = createPaymentSandbox();
  const clock = fixedClock(ORDER_TEST_EPOCH);
  let db: Db;
  let dropScratch: () => Promise<void>;
  let gateway: PaymentGateway;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let adminId: string;
  let productId: number;
  const clients = {} as Record<"admin" | "shopper" | "anonymous", ReturnType<typeof createTestClient>>;

  /** A buyer's unpaid order with a saved address, and a ledger row for it in `status` since `ageMs` ago. */
  async function orderWithAttempt(options: { status?: "PENDING" | "REFUND_PENDING"; ageMs: number; isCaptured: boolean; flaggedAt?: Date }) {
    const buyer = await createUser(db);
    const address = await createAddress(db, buyer.id);
    const order = await createOrder(db, { userId: buyer.id, productId, unitPrice: PRICE, paymentDueAt: new Date(clock.now().getTime() + 10 * MINUTE) });
    const paymentKey = newPaymentKey();
    if (options.isCaptured) await gateway.confirm({ paymentKey, orderId: order.id, amount: PRICE });
    const statusAt = new Date(clock.now().getTime() - options.ageMs);
    const payment = await db.payment.create({
      data: { orderId: order.id, provider: gateway.name, paymentKey, amount: PRICE, status: options.status ?? "PENDING", addressId: address.id, createdAt: statusAt, statusAt, flaggedAt: options.flaggedAt },
      select: { id: true },
    });
    return { orderId: order.id, paymentId: payment.id, paymentKey, statusAt };
  }

  const rowOf = (paymentId: number) =>
    db.payment.findUniqueOrThrow({ where: { id: paymentId }, select: { status: true, failureCode: true, checks: true, checkedAt: true, flaggedAt: true } });
  const orderStatusOf = async (orderId: string) => (await db.order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true } })).status;
  const auditOf = (paymentId: number) =>
    db.auditLog.findMany({ where: { targetType: "PAYMENT", targetId: String(paymentId) }, orderBy: { id: "asc" }, select: { actorId: true, action: true, metadata: true } });

  beforeAll(async () => {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL!, "adminpay");
    db = createPrismaClient(scratch.databaseUrl, 4);
    dropScratch = scratch.drop;
    // No retries and a breaker that never opens: a provider outage in one test must not leak into the next. The
    // timeout is generous because the outage resets connections at once, while a busy machine answers slowly.
    gateway = createPaymentGateway({ baseUrl: await sandbox.listen(0), timeoutMs: 5_000, retry: { maxAttempts: 0, initialDelayMs: 10, maxDelayMs: 10 }, breaker: { consecutiveFailures: 1_000, halfOpenAfterMs: 100 } });
    server = await startTestServer({ deps: { db, redis, clock, payments: gateway } });

    const admin = await createUser(db, { role: "ADMIN" });
    const shopper = await createUser(db, { role: "USER" });
    adminId = admin.id;
    productId = (await createProduct(db, { price: PRICE })).id;
    clients.admin = createTestClient(server.url, { cookie: await sessionCookieFor(admin) });
    clients.shopper = createTestClient(server.url, { cookie: await sessionCookieFor(shopper) });
    clients.anonymous = createTestClient(server.url);
  });

  beforeEach(async () => {
    sandbox.reset();
    clock.set(ORDER_TEST_EPOCH);
    // Each test reads the whole ledger; start from an empty one.
    await db.auditLog.deleteMany({});
    await db.outboxEvent.deleteMany({});
    await db.payment.deleteMany({});
    await db.order.deleteMany({});
  });

  afterAll(async () => {
    await server.close();
    await sandbox.close();
    await db.$disconnect();
    await dropScratch();
  });

  it("lists a PENDING row whose charge the provider holds, and 'check now' makes its order PAID on the admin's behalf, once", async () => {
    const { orderId, paymentId, paymentKey, statusAt } = await orderWithAttempt({ ageMs: 2 * MINUTE, isCaptured: true });

    const before = await clients.admin.adminPayment.discrepancies.query();
    expect(before.unsettled).toEqual([
      {
        id: paymentId,
        orderId,
        paymentKey,
        amount: PRICE,
        status: "PENDING",
        statusAt,
        checkedAt: null,
        checks: 0,
        flaggedAt: null,
        failureCode: null,
        orderStatus: "PENDING_PAYMENT",
        orderTotal: PRICE,
        isFlagged: false,
      },
    ]);
    expect(before.mismatches).toEqual([]);
    expect(before.recentActions).toEqual([]);

    await expect(clients.admin.adminPayment.recheck.mutate({ paymentId })).resolves.toEqual({ paymentId, result: "paid" });

    expect(await orderStatusOf(orderId)).toBe("PAID");
    expect(await rowOf(paymentId)).toMatchObject({ status: "APPROVED", checks: 1, checkedAt: clock.now() });
    expect(await auditOf(paymentId)).toEqual([{ actorId: adminId, action: "payment.reconcile", metadata: { orderId, result: "paid", from: "PENDING" } }]);
    expect(sandbox.stats()).toMatchObject({ approved: 1, cancelled: 0 });

    const after = await clients.admin.adminPayment.discrepancies.query();
    expect(after.unsettled).toEqual([]);
    // The order is paid with exactly one approved charge of its total: the invariant holds.
    expect(after.mismatches).toEqual([]);
    expect(after.recentActions).toMatchObject([{ actorId: adminId, action: "payment.reconcile", targetType: "PAYMENT", targetId: String(paymentId), metadata: { result: "paid" } }]);

    const again = await trpcErrorOf(clients.admin.adminPayment.recheck.mutate({ paymentId }));
    expect(again.data).toMatchObject({ code: "PRECONDITION_FAILED", httpStatus: 412 });
    expect(again.message).toBe("이미 정리된 결제입니다.");
    expect(await auditOf(paymentId)).toHaveLength(1);
  });

  it("closes an attempt the provider never captured only once it is past its bound", async () => {
    const fresh = await orderWithAttempt({ ageMs: 2 * MINUTE, isCaptured: false });
    const old = await orderWithAttempt({ ageMs: 11 * MINUTE, isCaptured: false });

    // Two minutes in, the confirm may still be on its way: nothing is concluded, but the check is counted.
    await expect(clients.admin.adminPayment.recheck.mutate({ paymentId: fresh.paymentId })).resolves.toEqual({ paymentId: fresh.paymentId, result: "unresolved" });
    expect(await rowOf(fresh.paymentId)).toMatchObject({ status: "PENDING", checks: 1, checkedAt: clock.now(), flaggedAt: null });
    // The admin's check is on record even though it changed nothing.
    expect(await auditOf(fresh.paymentId)).toEqual([{ actorId: adminId, action: "payment.reconcile", metadata: { orderId: fresh.orderId, result: "unresolved", from: "PENDING" } }]);

    await expect(clients.admin.adminPayment.recheck.mutate({ paymentId: old.paymentId })).resolves.toEqual({ paymentId: old.paymentId, result: "not-captured" });
    expect(await rowOf(old.paymentId)).toMatchObject({ status: "FAILED", failureCode: "NOT_CAPTURED" });
    expect(await orderStatusOf(old.orderId)).toBe("PENDING_PAYMENT");
    expect(await auditOf(old.paymentId)).toEqual([{ actorId: adminId, action: "payment.reconcile", metadata: { orderId: old.orderId, result: "not-captured", from: "PENDING" } }]);

    const list = await clients.admin.adminPayment.discrepancies.query();
    expect(list.unsettled.map((row) => ({ id: row.id, checks: row.checks }))).toEqual([{ id: fresh.paymentId, checks: 1 }]);
  });

  it("flags what the provider cannot answer for past its bound, lists flagged rows first, and settles them once it answers", async () => {
    const recent = await orderWithAttempt({ ageMs: 1 * MINUTE, isCaptured: true });
    const overdue = await orderWithAttempt({ ageMs: 16 * MINUTE, isCaptured: true });
    sandbox.config.outage = true;
    const alerts = vi.spyOn(logger, "error").mockImplementation(() => {});

    await expect(clients.admin.adminPayment.recheck.mutate({ paymentId: overdue.paymentId })).resolves.toEqual({ paymentId: overdue.paymentId, result: "unresolved" });
    // The flag is also an error-level log line, which is what alerting watches.
    expect(alerts).toHaveBeenCalledWith(expect.objectContaining({ paymentId: overdue.paymentId }), "payment still unsettled after its bound: flagged for an admin");
    alerts.mockRestore();
    expect(await rowOf(overdue.paymentId)).toMatchObject({ status: "PENDING", flaggedAt: clock.now() });
    expect(await auditOf(overdue.paymentId)).toEqual([
      { actorId: adminId, action: "payment.reconcile", metadata: { orderId: overdue.orderId, result: "unresolved", from: "PENDING" } },
      { actorId: "system", action: "payment.flag", metadata: { orderId: overdue.orderId, status: "PENDING" } },
    ]);

    const list = await clients.admin.adminPayment.discrepancies.query();
    expect(list.unsettled.map((row) => ({ id: row.id, isFlagged: row.isFlagged }))).toEqual([
      { id: overdue.paymentId, isFlagged: true },
      { id: recent.paymentId, isFlagged: false },
    ]);

    sandbox.config.outage = false;
    // Its payment deadline has passed meanwhile, so the charge cannot pay the order any more: it is given back.
    clock.advance(10 * MINUTE);
    await expect(clients.admin.adminPayment.recheck.mutate({ paymentId: overdue.paymentId })).resolves.toEqual({ paymentId: overdue.paymentId, result: "refund-requested" });
    expect(await rowOf(overdue.paymentId)).toMatchObject({ status: "REFUNDED" });
    expect(sandbox.payment(overdue.paymentKey)?.status).toBe("CANCELED");
    expect((await auditOf(overdue.paymentId)).map((entry) => entry.action)).toEqual(["payment.reconcile", "payment.flag", "payment.reconcile"]);
  });

  it("gives back money owed (REFUND_PENDING) on 'check now'", async () => {
    const { paymentId, paymentKey, orderId } = await orderWithAttempt({ status: "REFUND_PENDING", ageMs: 1 * MINUTE, isCaptured: true });

    await expect(clients.admin.adminPayment.recheck.mutate({ paymentId })).resolves.toEqual({ paymentId, result: "refunded" });
    expect(await rowOf(paymentId)).toMatchObject({ status: "REFUNDED" });
    expect(sandbox.payment(paymentKey)?.status).toBe("CANCELED");
    expect(await auditOf(paymentId)).toEqual([{ actorId: adminId, action: "payment.reconcile", metadata: { orderId, result: "refunded", from: "REFUND_PENDING" } }]);
  });

  it("reports ledger mismatches: a paid order without its one charge, and an approved charge of an unpaid order", async () => {
    const buyer = await createUser(db);
    const paidWithoutCharge = await createOrder(db, { userId: buyer.id, productId, unitPrice: PRICE, status: "PAID", paidAt: clock.now() });
    const expired = await createOrder(db, { userId: buyer.id, productId, unitPrice: PRICE, status: "EXPIRED", expiredAt: clock.now() });
    const stray = await db.payment.create({ data: { orderId: expired.id, provider: gateway.name, paymentKey: newPaymentKey(), amount: PRICE, status: "APPROVED" }, select: { id: true } });
    const paidTwice = await createOrder(db, { userId: buyer.id, productId, unitPrice: PRICE, status: "SHIPPING", paidAt: clock.now() });
    for (let index = 0; index < 2; index += 1) {
      await db.payment.create({ data: { orderId: paidTwice.id, provider: gateway.name, paymentKey: newPaymentKey(), amount: PRICE, status: "APPROVED" } });
    }
    const paidRight = await createOrder(db, { userId: buyer.id, productId, unitPrice: PRICE, status: "DELIVERED", paidAt: clock.now() });
    await db.payment.create({ data: { orderId: paidRight.id, provider: gateway.name, paymentKey: newPaymentKey(), amount: PRICE, status: "APPROVED" } });

    const { mismatches } = await clients.admin.adminPayment.discrepancies.query();

    expect(mismatches).toHaveLength(3);
    expect(mismatches).toEqual(
      expect.arrayContaining([
        { kind: "PAID_WITHOUT_ONE_CHARGE", orderId: paidWithoutCharge.id, orderStatus: "PAID", detail: { approvedCount: 0, approvedAmount: 0, totalAmount: PRICE } },
        { kind: "PAID_WITHOUT_ONE_CHARGE", orderId: paidTwice.id, orderStatus: "SHIPPING", detail: { approvedCount: 2, approvedAmount: 2 * PRICE, totalAmount: PRICE } },
        { kind: "CHARGE_OF_UNPAID_ORDER", orderId: expired.id, orderStatus: "EXPIRED", detail: { paymentId: stray.id, amount: PRICE } },
      ]),
    );
  });

  it("is for admins only, and an unknown or malformed payment id is refused", async () => {
    const { paymentId } = await orderWithAttempt({ ageMs: 2 * MINUTE, isCaptured: true });

    expect((await trpcErrorOf(clients.shopper.adminPayment.discrepancies.query())).data?.code).toBe("FORBIDDEN");
    expect((await trpcErrorOf(clients.shopper.adminPayment.recheck.mutate({ paymentId }))).data?.code).toBe("FORBIDDEN");
    expect((await trpcErrorOf(clients.anonymous.adminPayment.discrepancies.query())).data?.code).toBe("UNAUTHORIZED");
    expect((await trpcErrorOf(clients.anonymous.adminPayment.recheck.mutate({ paymentId }))).data?.code).toBe("UNAUTHORIZED");
    // Nobody but the admin got as far as the provider.
    expect(await rowOf(paymentId)).toMatchObject({ status: "PENDING", checks: 0 });

    const unknown = await trpcErrorOf(clients.admin.adminPayment.recheck.mutate({ paymentId: paymentId + 1_000 }));
    expect(unknown.data?.code).toBe("NOT_FOUND");
    expect((await trpcErrorOf(clients.admin.adminPayment.recheck.mutate({ paymentId: 0 }))).data?.code).toBe("BAD_REQUEST");
  });
});
