// Two app instances (two HTTP servers, each with its own gateway and its own Redis connection, as two processes would
// have) share one payment provider and one Redis. This file runs its own sandbox, so its outage cannot disturb others.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { appDeps } from "~/server/app.ts";
import { fixedClock } from "~/server/clock.ts";
import { db } from "~/server/db.ts";
import { createPaymentSandbox } from "~/server/payment-sandbox/server.ts";
import { createPaymentGateway } from "~/server/payments/gateway.ts";
import { paymentBreakerKeys } from "~/server/payments/keys.ts";
import type { PaymentGateway } from "~/server/payments/types.ts";
import { closeRedis, createRedisClient, redis, redisClientConfigFromEnv } from "~/server/redis.ts";
import { trpcErrorOf } from "~/server/testing/api-test.ts";
import { eventually } from "~/server/testing/eventually.ts";
import { createAddress, createCategory, createProduct, createUser } from "~/server/testing/factories.ts";
import { createTestClient, sessionCookieFor, startTestServer } from "~/server/testing/http.ts";
import { deleteUsersWithOrders, newIdempotencyKey, newPaymentKey, ORDER_TEST_EPOCH } from "~/server/testing/orders.ts";

// No retries, so every pay is one provider call; cockatiel measures the cool-down on the real clock, hence short.
const BREAKER = { consecutiveFailures: 3, halfOpenAfterMs: 700 };
const RETRY = { maxAttempts: 0, initialDelayMs: 10, maxDelayMs: 10 };

describe("the payment circuit shared by app instances", () => {
  const sandbox = createPaymentSandbox();
  const clock = fixedClock(new Date(ORDER_TEST_EPOCH.getTime() + 7 * 24 * 3_600_000));
  const redisA = createRedisClient(redisClientConfigFromEnv());
  const redisB = createRedisClient(redisClientConfigFromEnv());
  const keys = paymentBreakerKeys("sandbox");
  const userIds: string[] = [];
  let categoryId: number;
  let sandboxUrl: string;
  let instances: Array<{ gateway: PaymentGateway; server: Awaited<ReturnType<typeof startTestServer>>; client: ReturnType<typeof createTestClient> }>;

  async function startInstance(gateway: PaymentGateway) {
    const server = await startTestServer({ deps: { ...appDeps(), clock, payments: gateway } });
    const user = await createUser(db);
    userIds.push(user.id);
    const addressId = (await createAddress(db, user.id)).id;
    const client = createTestClient(server.url, { cookie: await sessionCookieFor(user) });
    async function pay() {
      const product = await createProduct(db, { categoryId, price: 10_000, stock: 5 });
      const order = await client.order.create.mutate({ source: { type: "product", productId: product.id, quantity: 1 }, addressId, idempotencyKey: newIdempotencyKey() });
      return client.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 10_000 });
    }
    return { gateway, server, client, pay };
  }

  beforeAll(async () => {
    await redis.del(keys.open, keys.probe);
    sandboxUrl = await sandbox.listen(0);
    categoryId = (await createCategory(db)).id;
    const gatewayOf = (shareCircuitVia: typeof redis) => createPaymentGateway({ baseUrl: sandboxUrl, timeoutMs: 500, retry: RETRY, breaker: BREAKER, shareCircuitVia });
    instances = [await startInstance(gatewayOf(redisA)), await startInstance(gatewayOf(redisB))];
  });

  afterAll(async () => {
    for (const instance of instances) await instance.server.close();
    await sandbox.close();
    await redis.del(keys.open, keys.probe);
    await Promise.all([closeRedis(redisA), closeRedis(redisB)]);
    await deleteUsersWithOrders(db, userIds);
    await db.product.deleteMany({ where: { categoryId } });
    await db.category.delete({ where: { id: categoryId } });
  });

  it("opens on every instance when one sees the outage, and one probe closes it for all", async () => {
    const [a, b] = instances as [(typeof instances)[0] & { pay(): Promise<unknown> }, (typeof instances)[0] & { pay(): Promise<unknown> }];
    sandbox.config.outage = true;

    // Instance A alone meets the outage: three failed calls open its breaker, and it tells the others.
    for (let call = 0; call < BREAKER.consecutiveFailures; call += 1) {
      expect((await trpcErrorOf(a.pay())).data?.code).toBe("SERVICE_UNAVAILABLE");
    }
    expect(sandbox.stats().apiRequests).toBe(BREAKER.consecutiveFailures);
    expect(a.gateway.circuitStatus()).toBe("open");
    const openUntil = Number(await eventually(async () => (await redis.get<number>(keys.open)) ?? Promise.reject(new Error("not shared yet"))));
    expect(openUntil).toBeGreaterThan(Date.now());

    // Instance B has never failed a call, yet fails fast with the same 503 and Retry-After, without calling the provider.
    const fast = await trpcErrorOf(b.pay());
    expect(fast.data?.code).toBe("SERVICE_UNAVAILABLE");
    expect(fast.data?.retryAfterS).toBeGreaterThanOrEqual(1);
    expect(b.gateway.circuitStatus()).toBe("open");
    await expect(b.gateway.lookUp(newPaymentKey())).rejects.toMatchObject({ reason: "circuit-open" });
    expect(sandbox.stats().apiRequests).toBe(BREAKER.consecutiveFailures);

    // The provider recovers. After the cool-down the circuit is half-open everywhere, and of six calls arriving on both
    // instances at once exactly one (the holder of the probe lease) reaches the provider.
    sandbox.config.outage = false;
    await eventually(async () => expect(b.gateway.circuitStatus()).toBe("half-open"));
    const calls = [a, b, a, b, a, b].map((instance) => instance.gateway.lookUp(newPaymentKey()).then(() => "answered", (error: { reason?: string }) => error.reason));
    const outcomes = await Promise.all(calls);
    expect(outcomes.filter((outcome) => outcome === "answered")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === "circuit-open")).toHaveLength(5);
    expect(sandbox.stats().apiRequests).toBe(BREAKER.consecutiveFailures + 1);
    expect(await redis.exists(keys.open)).toBe(0);

    // Closed for both: each instance's next payment goes through (A's own breaker closes with its trial call).
    await expect(b.pay()).resolves.toMatchObject({ status: "PAID" });
    await expect(a.pay()).resolves.toMatchObject({ status: "PAID" });
    expect(a.gateway.circuitStatus()).toBe("closed");
    expect(b.gateway.circuitStatus()).toBe("closed");
  });

  it("reopens for everyone when the probe fails", async () => {
    // Instances that read the shared state on every call (no cache), so which call is the probe is deterministic.
    const [a, b] = [redisA, redisB].map((shareCircuitVia) =>
      createPaymentGateway({ baseUrl: sandboxUrl, timeoutMs: 500, retry: RETRY, breaker: BREAKER, shareCircuitVia, sharedCircuitCacheMs: 0 }),
    ) as [PaymentGateway, PaymentGateway];
    const before = sandbox.stats().apiRequests;
    sandbox.config.outage = true;
    // A shared open that has just ended: the next call anywhere is the probe.
    await redis.set(keys.open, Date.now() - 1, { px: BREAKER.halfOpenAfterMs });

    await expect(b.lookUp(newPaymentKey())).rejects.toMatchObject({ reason: "network" });
    expect(sandbox.stats().apiRequests).toBe(before + 1);
    expect(Number(await redis.get<number>(keys.open))).toBeGreaterThan(Date.now());
    expect(await redis.exists(keys.probe)).toBe(0);

    // Open again for a full cool-down, on both instances, without another call to the provider.
    for (const instance of [a, b, a]) {
      const error = await instance.lookUp(newPaymentKey()).catch((failure: { reason?: string; retryAfterS?: number }) => failure);
      expect(error).toMatchObject({ reason: "circuit-open", retryAfterS: 1 });
    }
    expect(sandbox.stats().apiRequests).toBe(before + 1);
    sandbox.config.outage = false;
  });

  it("reads the shared state at most once per cache period, not once per call", async () => {
    let reads = 0;
    const counting = createRedisClient(redisClientConfigFromEnv());
    const original = counting.get.bind(counting);
    counting.get = ((...args: Parameters<typeof counting.get>) => {
      reads += 1;
      return original(...args);
    }) as typeof counting.get;
    const gateway = createPaymentGateway({ baseUrl: sandboxUrl, timeoutMs: 500, retry: RETRY, breaker: BREAKER, shareCircuitVia: counting });
    try {
      await redis.set(keys.open, Date.now() + 60_000, { px: 60_000 });
      const outcomes = await Promise.all(Array.from({ length: 50 }, () => gateway.lookUp(newPaymentKey()).catch((error: { reason?: string }) => error.reason)));
      expect(new Set(outcomes)).toEqual(new Set(["circuit-open"]));
      expect(reads).toBe(1);
    } finally {
      await redis.del(keys.open);
      await closeRedis(counting);
    }
  });
});
