import type { inferRouterInputs } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { AppRouter } from "~/server/api/root.ts";
import { appDeps } from "~/server/app.ts";
import { fixedClock } from "~/server/clock.ts";
import { db } from "~/server/db.ts";
import { issuePurchaseToken } from "~/server/domain/sales/purchase-token.ts";
import { createPaymentSandbox } from "~/server/payment-sandbox/server.ts";
import { createPaymentGateway } from "~/server/payments/gateway.ts";
import { trpcErrorOf } from "~/server/testing/api-test.ts";
import { createAddress, createFlashSale, createUser } from "~/server/testing/factories.ts";
import { createTestClient, sessionCookieFor, startTestServer } from "~/server/testing/http.ts";
import { deleteUsersWithOrders, newIdempotencyKey, newPaymentKey } from "~/server/testing/orders.ts";
import { deleteSaleCompletely, freshPurchaseSession } from "~/server/testing/sales.ts";

type UpdateInput = inferRouterInputs<AppRouter>["sale"]["readiness"]["update"];

const OPENS_AT = new Date("2194-02-01T03:00:00.000Z");

describe("sale.readiness over HTTP: ready before the drop", () => {
  const clock = fixedClock(OPENS_AT.getTime() - 30 * 60_000);
  // A private sandbox, so "nothing was charged" and "charged once" are this file's own counts.
  const sandbox = createPaymentSandbox();
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const userIds: string[] = [];
  const saleIds: number[] = [];

  beforeAll(async () => {
    const sandboxUrl = await sandbox.listen(0);
    server = await startTestServer({ deps: { ...appDeps(), clock, payments: createPaymentGateway({ baseUrl: sandboxUrl }) } });
  });

  afterAll(async () => {
    await server.close();
    await sandbox.close();
    await deleteUsersWithOrders(db, userIds);
    for (const saleId of saleIds) await deleteSaleCompletely(appDeps(), saleId);
  });

  async function buyer() {
    const user = await createUser(db);
    userIds.push(user.id);
    const home = await createAddress(db, user.id, { label: "집", isDefault: true });
    const office = await createAddress(db, user.id, { label: "회사", recipient: "김준비", isDefault: false });
    return { user, home, office, client: createTestClient(server.url, { cookie: await sessionCookieFor(user) }) };
  }

  async function newSale(overrides: Parameters<typeof createFlashSale>[1] = { opensAt: OPENS_AT }) {
    const sale = await createFlashSale(db, { salePrice: 49_000, quantity: 5, ...overrides });
    saleIds.push(sale.id);
    return sale;
  }

  it("stores the caller's pick per sale: nothing at first, then the pick, and a later pick replaces it", async () => {
    const sale = await newSale();
    const otherSale = await newSale();
    const me = await buyer();

    expect(await me.client.sale.readiness.get.query({ saleId: sale.id })).toEqual({ saleId: sale.id, addressId: null, paymentMethod: "CARD" });

    expect(await me.client.sale.readiness.update.mutate({ saleId: sale.id, addressId: me.office.id })).toEqual({ saleId: sale.id, addressId: me.office.id, paymentMethod: "CARD" });
    expect(await me.client.sale.readiness.get.query({ saleId: sale.id })).toMatchObject({ addressId: me.office.id });
    // Another sale is prepared separately.
    expect(await me.client.sale.readiness.get.query({ saleId: otherSale.id })).toMatchObject({ addressId: null });

    await me.client.sale.readiness.update.mutate({ saleId: sale.id, addressId: me.home.id });
    expect(await me.client.sale.readiness.get.query({ saleId: sale.id })).toMatchObject({ addressId: me.home.id });
    expect(await db.saleReadiness.count({ where: { saleId: sale.id } })).toBe(1);

    // Deleting the address takes the choice with it: nothing points at an address that is gone.
    await me.client.account.address.delete.mutate({ id: me.home.id });
    expect(await me.client.sale.readiness.get.query({ saleId: sale.id })).toMatchObject({ addressId: null });
  });

  it("accepts only the caller's own address and a sale that can still be bought; validates the input; needs a session", async () => {
    const sale = await newSale();
    const me = await buyer();
    const stranger = await buyer();

    const strangers = await trpcErrorOf(me.client.sale.readiness.update.mutate({ saleId: sale.id, addressId: stranger.office.id }));
    expect(strangers.data?.code).toBe("NOT_FOUND");
    expect(strangers.message).toBe("배송지를 찾을 수 없습니다.");

    const missingSale = await trpcErrorOf(me.client.sale.readiness.update.mutate({ saleId: 2_147_483_647, addressId: me.office.id }));
    expect(missingSale.data?.code).toBe("NOT_FOUND");

    for (const state of ["CLOSED", "SOLD_OUT"] as const) {
      const ended = await newSale({ opensAt: OPENS_AT, state });
      const refused = await trpcErrorOf(me.client.sale.readiness.update.mutate({ saleId: ended.id, addressId: me.office.id }));
      expect(refused.data?.code).toBe("PRECONDITION_FAILED");
      expect(refused.message).toBe("이미 끝난 세일입니다.");
    }

    for (const bad of [{ saleId: sale.id, addressId: 0 }, { saleId: sale.id, addressId: 1.5 }, { saleId: -1, addressId: me.office.id }, { saleId: sale.id }] as UpdateInput[]) {
      const invalid = await trpcErrorOf(me.client.sale.readiness.update.mutate(bad));
      expect(invalid.data?.code).toBe("BAD_REQUEST");
    }

    const anonymous = createTestClient(server.url);
    expect((await trpcErrorOf(anonymous.sale.readiness.get.query({ saleId: sale.id }))).data?.code).toBe("UNAUTHORIZED");
    expect((await trpcErrorOf(anonymous.sale.readiness.update.mutate({ saleId: sale.id, addressId: me.office.id }))).data?.code).toBe("UNAUTHORIZED");

    // The refusals stored nothing.
    expect(await db.saleReadiness.count({ where: { userId: { in: [me.user.id, stranger.user.id] } } })).toBe(0);
  });

  it("a prepared winner's order carries the picked address for the pay page, and paying with it ships there in one step", async () => {
    const sale = await newSale();
    const winner = await buyer();
    const unprepared = await buyer();
    sandbox.reset();

    // Before the drop: the office, not the default home address.
    await winner.client.sale.readiness.update.mutate({ saleId: sale.id, addressId: winner.office.id });

    clock.set(OPENS_AT);
    const orders = [];
    for (const person of [winner, unprepared]) {
      const { token } = issuePurchaseToken(appDeps(), { userId: person.user.id, saleId: sale.id, session: freshPurchaseSession() }, clock.now().getTime());
      const result = await person.client.sale.reserve.mutate({ saleId: sale.id, idempotencyKey: newIdempotencyKey(), purchaseToken: token });
      if (result.outcome !== "WON") throw new Error(`expected a win, got ${result.outcome}`);
      orders.push(result.orderId);
    }
    const [winnerOrderId, unpreparedOrderId] = orders as [string, string];

    const toPay = await winner.client.order.get.query({ id: winnerOrderId });
    expect(toPay).toMatchObject({ status: "PENDING_PAYMENT", shippingAddress: null, preparedAddressId: winner.office.id });
    expect(await unprepared.client.order.get.query({ id: unpreparedOrderId })).toMatchObject({ preparedAddressId: null });

    await winner.client.order.pay.mutate({ orderId: winnerOrderId, paymentKey: newPaymentKey(), amount: toPay.totalAmount, addressId: toPay.preparedAddressId! });

    const paid = await winner.client.order.get.query({ id: winnerOrderId });
    expect(paid).toMatchObject({ status: "PAID", preparedAddressId: null, shippingAddress: { recipient: "김준비" } });
    expect(sandbox.stats()).toMatchObject({ confirmRequests: 1, approved: 1, capturedAmount: 49_000 });
  });
});
