import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { createPaymentSandbox } from "~/server/payment-sandbox/server.ts";

describe("payment sandbox (Toss-style confirm API over HTTP)", () => {
  const sandbox = createPaymentSandbox();
  let url: string;
  const authorization = `Basic ${Buffer.from("test_sk_unit:").toString("base64")}`;

  function confirm(body: Record<string, unknown>, idempotencyKey?: string) {
    return fetch(`${url}/v1/payments/confirm`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json", ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}) },
      body: JSON.stringify(body),
    });
  }

  beforeAll(async () => {
    url = await sandbox.listen(0);
  });
  beforeEach(() => sandbox.reset());
  afterAll(() => sandbox.close());

  it("approves a confirm and answers a retried confirm with the same key without charging again", async () => {
    const body = { paymentKey: "tpk_unit_0001", orderId: "order-1", amount: 12_000 };
    const [first, second] = await Promise.all([confirm(body, "key-1"), confirm(body, "key-1")]);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ status: "DONE", totalAmount: 12_000, orderId: "order-1" });
    expect(second.status).toBe(200);
    expect(sandbox.stats()).toMatchObject({ confirmRequests: 1, approved: 1, capturedAmount: 12_000 });

    const again = await confirm(body, "key-other");
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ code: "ALREADY_PROCESSED_PAYMENT" });
  });

  it("declines on request, refuses bad keys and bad bodies", async () => {
    await fetch(`${url}/__admin/config`, { method: "POST", body: JSON.stringify({ declineNextN: 1 }) });
    const declined = await confirm({ paymentKey: "tpk_unit_0002", orderId: "o", amount: 1_000 });
    expect(declined.status).toBe(403);
    expect(await declined.json()).toMatchObject({ code: "REJECT_CARD_PAYMENT" });
    expect((await confirm({ paymentKey: "tpk_unit_0003", orderId: "o", amount: 1_000 })).status).toBe(200);

    expect((await confirm({ paymentKey: "tpk_unit_0004", orderId: "o", amount: -5 })).status).toBe(400);
    const unauthorised = await fetch(`${url}/v1/payments/confirm`, { method: "POST", body: "{}", headers: { authorization: "Basic bm9wZTo=" } });
    expect(unauthorised.status).toBe(401);
  });

  it("cancels (refunds) once per key and reports unknown payments", async () => {
    await confirm({ paymentKey: "tpk_unit_0005", orderId: "o", amount: 3_000 });
    const cancel = (key: string, idempotencyKey: string) =>
      fetch(`${url}/v1/payments/${key}/cancel`, { method: "POST", headers: { authorization, "idempotency-key": idempotencyKey }, body: JSON.stringify({ cancelReason: "테스트" }) });

    expect((await cancel("tpk_unit_0005", "c1")).status).toBe(200);
    expect((await cancel("tpk_unit_0005", "c1")).status).toBe(200);
    expect(await (await cancel("tpk_unit_0005", "c2")).json()).toMatchObject({ code: "ALREADY_CANCELED_PAYMENT" });
    expect((await cancel("tpk_missing_1", "c3")).status).toBe(404);
    expect(sandbox.stats()).toMatchObject({ cancelled: 1, refundedAmount: 3_000 });
  });

  it("lists every payment it holds, with its current status, on an admin path that answers during an outage", async () => {
    await confirm({ paymentKey: "tpk_unit_0007", orderId: "order-7", amount: 7_000 });
    await confirm({ paymentKey: "tpk_unit_0008", orderId: "order-8", amount: 8_000 });
    await fetch(`${url}/__admin/config`, { method: "POST", body: JSON.stringify({ declineNextN: 1 }) });
    await confirm({ paymentKey: "tpk_unit_0009", orderId: "order-9", amount: 9_000 });
    await fetch(`${url}/v1/payments/tpk_unit_0008/cancel`, { method: "POST", headers: { authorization }, body: JSON.stringify({ cancelReason: "테스트" }) });
    await fetch(`${url}/__admin/config`, { method: "POST", body: JSON.stringify({ outage: true }) });

    const response = await fetch(`${url}/__admin/payments`);
    expect(response.status).toBe(200);
    const listed = (await response.json()) as Array<{ paymentKey: string; orderId: string; status: string; totalAmount: number }>;
    expect(listed.map(({ paymentKey, orderId, status, totalAmount }) => ({ paymentKey, orderId, status, totalAmount }))).toEqual([
      { paymentKey: "tpk_unit_0007", orderId: "order-7", status: "DONE", totalAmount: 7_000 },
      { paymentKey: "tpk_unit_0008", orderId: "order-8", status: "CANCELED", totalAmount: 8_000 },
    ]);
    // The provider's API itself has no listing.
    await fetch(`${url}/__admin/config`, { method: "POST", body: JSON.stringify({ outage: false }) });
    expect((await fetch(`${url}/v1/payments`, { headers: { authorization } })).status).toBe(404);
  });

  it("drops connections during an outage while the admin switches keep working", async () => {
    const response = await fetch(`${url}/__admin/config`, { method: "POST", body: JSON.stringify({ outage: true, latencyMs: 5 }) });
    expect(await response.json()).toMatchObject({ outage: true, latencyMs: 5 });
    await expect(confirm({ paymentKey: "tpk_unit_0006", orderId: "o", amount: 1 })).rejects.toThrow();
    await fetch(`${url}/__admin/config`, { method: "POST", body: JSON.stringify({ outage: false }) });
    expect((await confirm({ paymentKey: "tpk_unit_0006", orderId: "o", amount: 1 })).status).toBe(200);
  });
});
