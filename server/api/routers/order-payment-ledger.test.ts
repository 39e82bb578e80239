// The payment ledger over HTTP: every winner of a sale paying in the same instant, answers lost between the
// provider and us, our database failing after the provider charged, and paymentKeys replayed across orders. The
// provider is a private sandbox, so its counts are this file's own.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { appDeps } from "~/server/app.ts";
import { fixedClock } from "~/server/clock.ts";
import { createPrismaClient, db } from "~/server/db.ts";
import { issuePurchaseToken } from "~/server/domain/sales/purchase-token.ts";
import { reconcileSale } from "~/server/domain/sales/reconcile-sale.ts";
import { createPaymentSandbox } from "~/server/payment-sandbox/server.ts";
import { createPaymentGateway } from "~/server/payments/gateway.ts";
import { PaymentUnavailableError, type PaymentGateway } from "~/server/payments/types.ts";
import { trpcErrorOf } from "~/server/testing/api-test.ts";
import { createDefaultAddresses, createFlashSale, createProduct, createUsers } from "~/server/testing/factories.ts";
import { createTestClient, sessionCookieFor, startTestServer, uniqueTestIp, TEST_CLIENT_IP_HEADER } from "~/server/testing/http.ts";
import { deleteUsersWithOrders, newIdempotencyKey, newPaymentKey, ORDER_TEST_EPOCH } from "~/server/testing/orders.ts";
import { deleteSaleCompletely, freshPurchaseSession } from "~/server/testing/sales.ts";
import { startTcpProxy } from "~/server/testing/tcp-proxy.ts";

const PRICE = 39_000;
const WINNERS = 120;

describe("the payment ledger under a burst and under faults", () => {
  const sandbox = createPaymentSandbox();
  const clock = fixedClock(new Date(ORDER_TEST_EPOCH.getTime() + 30 * 24 * 3_600_000));
  let gateway: PaymentGateway;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const userIds: string[] = [];
  const saleIds: number[] = [];

  /** What the provider holds for an order, straight from the sandbox (its own record, not our ledger). */
  function chargesAtProvider(orderId: string) {
    return sandbox
      .payments()
      .filter((payment) => payment.orderId === orderId)
      .map((payment) => ({ status: payment.status, amount: payment.totalAmount }));
  }

  const ledgerOf = (orderId: string) => db.payment.findMany({ where: { orderId }, orderBy: { id: "asc" }, select: { paymentKey: true, status: true } });
  const statusOf = async (orderId: string) => (await db.order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true } })).status;

  /** A sale of `quantity` units and as many buyers, each holding one unit won through sale.reserve, with an address. */
  async function saleWithWinners(quantity: number, baseUrl = server.url) {
    const product = await createProduct(db, { price: 80_000, stock: 0 });
    const sale = await createFlashSale(db, { productId: product.id, opensAt: clock.now(), quantity, salePrice: PRICE, holdMinutes: 10, state: "OPEN" });
    saleIds.push(sale.id);
    const users = await createUsers(db, quantity);
    userIds.push(...users.map((user) => user.id));
    const addresses = await createDefaultAddresses(db, users.map((user) => user.id));
    return Promise.all(
      users.map(async (user) => {
        const client = createTestClient(baseUrl, { cookie: await sessionCookieFor(user), headers: { [TEST_CLIENT_IP_HEADER]: uniqueTestIp() } });
        const { token } = issuePurchaseToken(appDeps(), { userId: user.id, saleId: sale.id, session: freshPurchaseSession() }, clock.now().getTime());
        const won = await client.sale.reserve.mutate({ saleId: sale.id, idempotencyKey: newIdempotencyKey(), purchaseToken: token });
        if (won.outcome !== "WON") throw new Error(`expected a win, got ${won.outcome}`);
        return { saleId: sale.id, userId: user.id, client, orderId: won.orderId, addressId: addresses.get(user.id)! };
      }),
    );
  }

  beforeAll(async () => {
    const sandboxUrl = await sandbox.listen(0);
    gateway = createPaymentGateway({ baseUrl: sandboxUrl });
    server = await startTestServer({ deps: { ...appDeps(), clock, payments: gateway } });
  });

  beforeEach(() => sandbox.reset());

  afterAll(async () => {
    await server.close();
    await sandbox.close();
    await deleteUsersWithOrders(db, userIds);
    for (const saleId of saleIds) await deleteSaleCompletely(appDeps(), saleId);
  });

  it(`${WINNERS} winners of one sale pay in the same instant: every one PAID with one charge, the counter exact, no error`, async () => {
    const winners = await saleWithWinners(WINNERS);
    const saleId = winners[0]!.saleId;

    const results = await Promise.allSettled(
      winners.map((winner) => winner.client.order.pay.mutate({ orderId: winner.orderId, paymentKey: newPaymentKey(), amount: PRICE, addressId: winner.addressId })),
    );

    const failures = results.flatMap((result) => (result.status === "rejected" ? [(result.reason as Error).message] : []));
    expect(failures).toEqual([]);
    expect(await db.order.count({ where: { saleId, status: "PAID" } })).toBe(WINNERS);
    expect(await db.payment.groupBy({ by: ["status"], where: { order: { saleId } }, _count: { _all: true } })).toEqual([{ status: "APPROVED", _count: { _all: WINNERS } }]);
    expect(sandbox.stats()).toMatchObject({ approved: WINNERS, cancelled: 0, capturedAmount: WINNERS * PRICE, refundedAmount: 0 });
    expect(await db.sale.findUniqueOrThrow({ where: { id: saleId }, select: { soldCount: true, state: true } })).toEqual({ soldCount: WINNERS, state: "SOLD_OUT" });
    expect(await db.order.count({ where: { saleId, soldCountedAt: null } })).toBe(0);
    expect((await reconcileSale({ ...appDeps(), clock }, saleId, { repair: false })).drift).toBe(0);
  });

  it("a confirm whose answer was lost is remembered (PENDING), and the retry with the same key finds the charge instead of charging again", async () => {
    let isAnswerLost = true;
    const lossy: PaymentGateway = {
      ...gateway,
      async confirm(request) {
        const answer = await gateway.confirm(request);
        if (!isAnswerLost) return answer;
        throw new PaymentUnavailableError("timeout", "결제 서버 응답이 늦습니다.");
      },
    };
    const lossyServer = await startTestServer({ deps: { ...appDeps(), clock, payments: lossy } });
    try {
      const [winner] = await saleWithWinners(1, lossyServer.url);
      const paymentKey = newPaymentKey();
      const pay = () => winner!.client.order.pay.mutate({ orderId: winner!.orderId, paymentKey, amount: PRICE, addressId: winner!.addressId });

      const lost = await trpcErrorOf(pay());
      expect(lost.data).toMatchObject({ code: "SERVICE_UNAVAILABLE", domainCode: "UNAVAILABLE" });
      expect(await ledgerOf(winner!.orderId)).toEqual([{ paymentKey, status: "PENDING" }]);
      expect(chargesAtProvider(winner!.orderId)).toEqual([{ status: "DONE", amount: PRICE }]);

      isAnswerLost = false;
      await expect(pay()).resolves.toMatchObject({ status: "PAID" });
      expect(await ledgerOf(winner!.orderId)).toEqual([{ paymentKey, status: "APPROVED" }]);
      expect(sandbox.stats()).toMatchObject({ confirmRequests: 1, approved: 1, cancelled: 0 });
    } finally {
      await lossyServer.close();
    }
  });

  it("our database failing after the provider charged cancels nothing: the retry with the same key makes the order PAID", async () => {
    const databaseUrl = new URL(process.env.DATABASE_URL!);
    const proxy = await startTcpProxy({ host: databaseUrl.hostname, port: Number(databaseUrl.port || 3306) });
    const proxiedUrl = new URL(databaseUrl);
    proxiedUrl.port = String(proxy.port);
    const proxiedDb = createPrismaClient(proxiedUrl.toString(), 4);
    let isCutAfterCharge = true;
    const cutting: PaymentGateway = {
      ...gateway,
      async confirm(request) {
        const answer = await gateway.confirm(request);
        if (isCutAfterCharge) await proxy.down();
        return answer;
      },
    };
    const cutServer = await startTestServer({ deps: { ...appDeps(), db: proxiedDb, clock, payments: cutting } });
    try {
      const [winner] = await saleWithWinners(1);
      const buyer = createTestClient(cutServer.url, { cookie: await sessionCookieFor({ id: winner!.userId, role: "USER" }) });
      const paymentKey = newPaymentKey();
      const pay = () => buyer.order.pay.mutate({ orderId: winner!.orderId, paymentKey, amount: PRICE, addressId: winner!.addressId });

      const failed = await trpcErrorOf(pay());
      expect(failed.data?.httpStatus).toBe(503);
      expect(failed.message).not.toMatch(/prisma|pool|connect/i);
      expect(chargesAtProvider(winner!.orderId)).toEqual([{ status: "DONE", amount: PRICE }]);
      expect(await ledgerOf(winner!.orderId)).toEqual([{ paymentKey, status: "PENDING" }]);

      isCutAfterCharge = false;
      await proxy.up();
      let paid: unknown = null;
      // The pay page retries after 503; the pool may hand out one more dead connection first.
      for (let attempt = 0; attempt < 3 && paid === null; attempt += 1) paid = await pay().catch(() => null);
      expect(paid).toMatchObject({ status: "PAID" });
      expect(chargesAtProvider(winner!.orderId)).toEqual([{ status: "DONE", amount: PRICE }]);
      expect(sandbox.stats()).toMatchObject({ approved: 1, cancelled: 0 });
    } finally {
      await cutServer.close();
      await proxiedDb.$disconnect();
      await proxy.down();
    }
  });

  it("a paid order's key replayed on another order, by the same buyer or another, is refused and the original charge stays", async () => {
    const [first, second, stranger] = await saleWithWinners(3);
    const key = newPaymentKey();
    await expect(first!.client.order.pay.mutate({ orderId: first!.orderId, paymentKey: key, amount: PRICE, addressId: first!.addressId })).resolves.toMatchObject({ status: "PAID" });
    // The same buyer's second order (same amount): move the second winner's order to the first buyer.
    await db.order.update({ where: { id: second!.orderId }, data: { userId: first!.userId } });

    const replayed = await trpcErrorOf(first!.client.order.pay.mutate({ orderId: second!.orderId, paymentKey: key, amount: PRICE, addressId: first!.addressId }));
    expect(replayed.data?.code).toBe("CONFLICT");
    const foreign = await trpcErrorOf(stranger!.client.order.pay.mutate({ orderId: stranger!.orderId, paymentKey: key, amount: PRICE, addressId: stranger!.addressId }));
    expect(foreign.data?.code).toBe("CONFLICT");

    expect(await statusOf(first!.orderId)).toBe("PAID");
    expect(await statusOf(second!.orderId)).toBe("PENDING_PAYMENT");
    expect(await statusOf(stranger!.orderId)).toBe("PENDING_PAYMENT");
    expect(chargesAtProvider(first!.orderId)).toEqual([{ status: "DONE", amount: PRICE }]);
    expect(sandbox.stats()).toMatchObject({ confirmRequests: 1, cancelled: 0 });
    expect(await ledgerOf(second!.orderId)).toEqual([]);
  });

  it("a retry never turns a replayed approval of a cancelled charge into PAID; a fresh key then pays once", async () => {
    let isAnswerLost = true;
    const lossy: PaymentGateway = {
      ...gateway,
      async confirm(request) {
        const answer = await gateway.confirm(request);
        if (isAnswerLost) throw new PaymentUnavailableError("timeout", "결제 서버 응답이 늦습니다.");
        return answer;
      },
    };
    const lossyServer = await startTestServer({ deps: { ...appDeps(), clock, payments: lossy } });
    try {
      const [winner] = await saleWithWinners(1, lossyServer.url);
      const key = newPaymentKey();
      await trpcErrorOf(winner!.client.order.pay.mutate({ orderId: winner!.orderId, paymentKey: key, amount: PRICE, addressId: winner!.addressId }));
      // Someone cancels that charge at the provider (its dashboard, an earlier refund): it holds no money now.
      await gateway.cancel({ paymentKey: key, reason: "test", idempotencyKey: `test-${key}` });
      isAnswerLost = false;

      const retried = await trpcErrorOf(winner!.client.order.pay.mutate({ orderId: winner!.orderId, paymentKey: key, amount: PRICE, addressId: winner!.addressId }));
      expect(retried.data?.code).toBe("CONFLICT");
      expect(await statusOf(winner!.orderId)).toBe("PENDING_PAYMENT");
      expect(await ledgerOf(winner!.orderId)).toEqual([{ paymentKey: key, status: "REFUNDED" }]);

      const freshKey = newPaymentKey();
      await expect(winner!.client.order.pay.mutate({ orderId: winner!.orderId, paymentKey: freshKey, amount: PRICE, addressId: winner!.addressId })).resolves.toMatchObject({
        status: "PAID",
      });
      expect(chargesAtProvider(winner!.orderId)).toEqual([
        { status: "CANCELED", amount: PRICE },
        { status: "DONE", amount: PRICE },
      ]);
    } finally {
      await lossyServer.close();
    }
  });

  it("two tabs paying one order with two keys end with one charge kept and the other refunded", async () => {
    const [winner] = await saleWithWinners(1);
    const pays = [newPaymentKey(), newPaymentKey()].map((paymentKey) =>
      winner!.client.order.pay.mutate({ orderId: winner!.orderId, paymentKey, amount: PRICE, addressId: winner!.addressId }),
    );
    const results = await Promise.allSettled(pays);

    expect(results.map((result) => result.status).sort()).toEqual(["fulfilled", "rejected"]);
    const refused = results.find((result) => result.status === "rejected")!.reason as Error;
    expect(refused.message).toContain("이미 결제가 완료된 주문");
    expect(await statusOf(winner!.orderId)).toBe("PAID");
    expect(chargesAtProvider(winner!.orderId).map((charge) => charge.status).sort()).toEqual(["CANCELED", "DONE"]);
    expect((await ledgerOf(winner!.orderId)).map((row) => row.status).sort()).toEqual(["APPROVED", "REFUNDED"]);
  });

  it("a paid sale order the sold counter refuses (the sale already full in MySQL) is cancelled and refunded, never kept", async () => {
    const [winner] = await saleWithWinners(1);
    await db.sale.update({ where: { id: winner!.saleId }, data: { soldCount: 1 } });

    await winner!.client.order.pay.mutate({ orderId: winner!.orderId, paymentKey: newPaymentKey(), amount: PRICE, addressId: winner!.addressId });

    expect(await statusOf(winner!.orderId)).toBe("CANCELLED");
    expect(chargesAtProvider(winner!.orderId)).toEqual([{ status: "CANCELED", amount: PRICE }]);
    expect((await ledgerOf(winner!.orderId)).map((row) => row.status)).toEqual(["REFUNDED"]);
    expect((await db.sale.findUniqueOrThrow({ where: { id: winner!.saleId }, select: { soldCount: true } })).soldCount).toBe(1);
  });
});
