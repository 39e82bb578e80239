// Payment provider faults, end to end over HTTP: this file runs its own sandbox instance (so flipping its switches
// cannot disturb other test files) and injects a gateway with short timings into the test server.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { appDeps } from "~/server/app.ts";
import { fixedClock } from "~/server/clock.ts";
import { db } from "~/server/db.ts";
import { createPaymentSandbox } from "~/server/payment-sandbox/server.ts";
import { createPaymentGateway } from "~/server/payments/gateway.ts";
import type { PaymentGateway } from "~/server/payments/types.ts";
import { trpcErrorOf } from "~/server/testing/api-test.ts";
import { createAddress, createCategory, createProduct, createUser } from "~/server/testing/factories.ts";
import { createTestClient, sessionCookieFor, startTestServer } from "~/server/testing/http.ts";
import { deleteUsersWithOrders, newIdempotencyKey, newPaymentKey, ORDER_TEST_EPOCH } from "~/server/testing/orders.ts";

const BREAKER = { consecutiveFailures: 5, halfOpenAfterMs: 400 };
const TIMEOUT_MS = 250;

describe("paying through a faulty provider", () => {
  const sandbox = createPaymentSandbox();
  const clock = fixedClock(new Date(ORDER_TEST_EPOCH.getTime() + 7 * 24 * 3_600_000));
  let sandboxUrl: string;
  let gateway: PaymentGateway;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let client: ReturnType<typeof createTestClient>;
  let addressId: number;
  let categoryId: number;
  const userIds: string[] = [];

  async function placeOrder(price = 10_000) {
    const product = await createProduct(db, { categoryId, price, stock: 5 });
    const order = await client.order.create.mutate({ source: { type: "product", productId: product.id, quantity: 1 }, addressId, idempotencyKey: newIdempotencyKey() });
    return { order, product };
  }

  const orderState = (orderId: string) => db.order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true, payments: { select: { status: true, failureCode: true }, orderBy: { id: "asc" } } } });

  async function startServerWith(payments: PaymentGateway) {
    await server?.close();
    server = await startTestServer({ deps: { ...appDeps(), clock, payments } });
    const user = await createUser(db);
    userIds.push(user.id);
    addressId = (await createAddress(db, user.id)).id;
    client = createTestClient(server.url, { cookie: await sessionCookieFor(user) });
  }

  beforeAll(async () => {
    sandboxUrl = await sandbox.listen(0);
    gateway = createPaymentGateway({ baseUrl: sandboxUrl, timeoutMs: TIMEOUT_MS, retry: { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 50 }, breaker: BREAKER });
    categoryId = (await createCategory(db)).id;
    await startServerWith(gateway);
  });

  beforeEach(() => sandbox.reset());

  afterAll(async () => {
    await server.close();
    await sandbox.close();
    await deleteUsersWithOrders(db, userIds);
    await db.product.deleteMany({ where: { categoryId } });
    await db.category.delete({ where: { id: categoryId } });
  });

  it("records a declined payment, keeps the order payable and accepts a retry", async () => {
    const { order } = await placeOrder();
    sandbox.config.declineNextN = 1;

    const declined = await trpcErrorOf(client.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 10_000 }));
    expect(declined.data?.code).toBe("UNPROCESSABLE_CONTENT");
    expect(declined.data?.domainCode).toBe("PAYMENT_DECLINED");
    expect(declined.message).toContain("결제가 거절되었습니다");
    expect(await orderState(order.id)).toEqual({ status: "PENDING_PAYMENT", payments: [{ status: "DECLINED", failureCode: "REJECT_CARD_PAYMENT" }] });

    await expect(client.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 10_000 })).resolves.toMatchObject({ status: "PAID" });
    expect((await orderState(order.id)).payments.map((payment) => payment.status)).toEqual(["DECLINED", "APPROVED"]);
    expect(sandbox.stats()).toMatchObject({ declined: 1, approved: 1, capturedAmount: 10_000 });
  });

  it("times out on a slow provider, keeps the order held, and a retry with the same key charges once", async () => {
    const { order } = await placeOrder();
    // Longer than all three attempts together (each retry joins the provider's in-flight confirm for the same key).
    sandbox.config.latencyMs = 1_200;
    const paymentKey = newPaymentKey();

    const slow = await trpcErrorOf(client.order.pay.mutate({ orderId: order.id, paymentKey, amount: 10_000 }));
    expect(slow.data?.code).toBe("SERVICE_UNAVAILABLE");
    expect(slow.data?.domainCode).toBe("UNAVAILABLE");
    expect(slow.message).toContain("결제 기한까지 유지");
    // The outcome is unknown, so the attempt stays PENDING: nothing is cancelled on a guess.
    expect(await orderState(order.id)).toEqual({ status: "PENDING_PAYMENT", payments: [{ status: "PENDING", failureCode: null }] });

    // The provider went on to charge the first attempt; the retried confirm carries the same idempotency key.
    sandbox.config.latencyMs = 0;
    await expect(client.order.pay.mutate({ orderId: order.id, paymentKey, amount: 10_000 })).resolves.toMatchObject({ status: "PAID" });
    expect(sandbox.stats()).toMatchObject({ confirmRequests: 1, approved: 1, capturedAmount: 10_000 });
    expect((await orderState(order.id)).payments).toEqual([{ status: "APPROVED", failureCode: null }]);
  });

  it("succeeds on a provider slower than usual but within the timeout", async () => {
    const { order } = await placeOrder();
    sandbox.config.latencyMs = 100;
    await expect(client.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 10_000 })).resolves.toMatchObject({ status: "PAID" });
  });

  it("opens the breaker during an outage, fails fast while the shop keeps working, and closes again", async () => {
    const breakerGateway = createPaymentGateway({ baseUrl: sandboxUrl, timeoutMs: TIMEOUT_MS, retry: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 20 }, breaker: BREAKER });
    await startServerWith(breakerGateway);
    const { order } = await placeOrder(12_000);
    sandbox.config.outage = true;

    // Each pay makes up to 3 attempts; two pays reach the 5 consecutive failures that open the circuit.
    for (let call = 0; call < 2; call += 1) {
      const down = await trpcErrorOf(client.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 12_000 }));
      expect(down.data?.code).toBe("SERVICE_UNAVAILABLE");
    }
    expect(breakerGateway.circuitStatus()).toBe("open");

    const startedAt = performance.now();
    const fast = await trpcErrorOf(client.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 12_000 }));
    expect(performance.now() - startedAt).toBeLessThan(150);
    expect(fast.data?.code).toBe("SERVICE_UNAVAILABLE");
    expect(fast.data?.retryAfterS).toBeGreaterThanOrEqual(1);
    expect(sandbox.stats().confirmRequests).toBe(0);

    // The rest of the shop does not depend on the provider.
    await expect(client.product.list.query({ page: 1, pageSize: 12 })).resolves.toMatchObject({ page: 1 });
    await expect(placeOrder()).resolves.toMatchObject({ order: { status: "PENDING_PAYMENT" } });
    expect((await orderState(order.id)).status).toBe("PENDING_PAYMENT");

    // The provider recovers; after halfOpenAfter one trial call goes through and closes the circuit.
    // (cockatiel measures halfOpenAfter on the real clock, hence a short real wait with injected short timings.)
    sandbox.config.outage = false;
    await new Promise((resolve) => setTimeout(resolve, BREAKER.halfOpenAfterMs + 50));
    await expect(client.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 12_000 })).resolves.toMatchObject({ status: "PAID" });
    expect(breakerGateway.circuitStatus()).toBe("closed");

    await startServerWith(gateway);
  });

  it("refunds the charge when the provider approves after the deadline has passed (compensation)", async () => {
    const startedAt = clock.now();
    let deadline = startedAt;
    // The provider answers only after the payment deadline: the clock moves while the confirm is in flight.
    const lateGateway: PaymentGateway = {
      name: gateway.name,
      circuitStatus: () => gateway.circuitStatus(),
      cancel: (request) => gateway.cancel(request),
      lookUp: (paymentKey) => gateway.lookUp(paymentKey),
      async confirm(request) {
        const result = await gateway.confirm(request);
        clock.set(new Date(deadline.getTime() + 1));
        return result;
      },
    };
    await startServerWith(lateGateway);
    try {
      const { order, product } = await placeOrder(9_000);
      deadline = order.paymentDueAt;

      const error = await trpcErrorOf(client.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 9_000 }));

      expect(error.data?.code).toBe("PRECONDITION_FAILED");
      expect(error.message).toContain("환불");
      expect(await orderState(order.id)).toEqual({ status: "PENDING_PAYMENT", payments: [{ status: "REFUNDED", failureCode: "ORDER_NOT_PAYABLE" }] });
      expect(sandbox.stats()).toMatchObject({ approved: 1, cancelled: 1, capturedAmount: 9_000, refundedAmount: 9_000 });
      // The hold is still released by the normal expiry; the product's unit is not sold.
      expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(4);
    } finally {
      clock.set(startedAt);
      await startServerWith(gateway);
    }
  });
});
