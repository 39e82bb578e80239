import { TRPCClientError } from "@trpc/client";
import type { inferRouterInputs } from "@trpc/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import type { AppRouter } from "~/server/api/root.ts";
import { appDeps } from "~/server/app.ts";
import { fixedClock } from "~/server/clock.ts";
import { db } from "~/server/db.ts";
import { advanceOrder } from "~/server/domain/orders/advance-deliveries.ts";
import { expireUnpaidOrders } from "~/server/domain/orders/expire-unpaid-orders.ts";
import { MAX_QUANTITY_PER_ORDER } from "~/server/domain/input-rules.ts";
import { issuePurchaseToken } from "~/server/domain/sales/purchase-token.ts";
import { reconcileSale } from "~/server/domain/sales/reconcile-sale.ts";
import { createPaymentSandbox } from "~/server/payment-sandbox/server.ts";
import { createPaymentGateway } from "~/server/payments/gateway.ts";
import { createAddress, createCategory, createFlashSale, createProduct, createUser } from "~/server/testing/factories.ts";
import { createTestClient, sessionCookieFor, startTestServer } from "~/server/testing/http.ts";
import { deleteUsersWithOrders, newIdempotencyKey, newPaymentKey, ORDER_TEST_EPOCH } from "~/server/testing/orders.ts";
import { deleteSaleCompletely, freshPurchaseSession } from "~/server/testing/sales.ts";

type CreateInput = inferRouterInputs<AppRouter>["order"]["create"];

const HOUR = 3_600_000;

describe("order router over HTTP", () => {
  const clock = fixedClock(ORDER_TEST_EPOCH);
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let categoryId: number;
  const userIds: string[] = [];

  async function buyer() {
    const user = await createUser(db);
    userIds.push(user.id);
    const address = await createAddress(db, user.id);
    return { user, address, client: createTestClient(server.url, { cookie: await sessionCookieFor(user) }) };
  }

  function product(overrides: Parameters<typeof createProduct>[1] = {}) {
    return createProduct(db, { categoryId, ...overrides });
  }

  async function errorOf(promise: Promise<unknown>) {
    const error = await promise.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TRPCClientError);
    return error as TRPCClientError<AppRouter>;
  }

  const stockOf = async (productId: number) => (await db.product.findUniqueOrThrow({ where: { id: productId }, select: { stock: true, status: true } }));

  function buyNow(client: Awaited<ReturnType<typeof buyer>>["client"], input: { productId: number; quantity: number; addressId: number; idempotencyKey?: string }) {
    const order: CreateInput = {
      source: { type: "product", productId: input.productId, quantity: input.quantity },
      addressId: input.addressId,
      idempotencyKey: input.idempotencyKey ?? newIdempotencyKey(),
    };
    return client.order.create.mutate(order);
  }

  beforeAll(async () => {
    server = await startTestServer({ deps: { ...appDeps(), clock } });
    categoryId = (await createCategory(db)).id;
  });

  afterAll(async () => {
    await deleteUsersWithOrders(db, userIds);
    await db.product.deleteMany({ where: { categoryId } });
    await db.category.delete({ where: { id: categoryId } });
    await server.close();
  });

  describe("checkout", () => {
    it("summarises a buy-now with server prices and the buyer's addresses, default first", async () => {
      const { user, client } = await buyer();
      const second = await createAddress(db, user.id, { isDefault: false, label: "회사", recipient: "김회사" });
      const lamp = await product({ price: 33_000, stock: 5 });

      const summary = await client.order.checkout.query({ source: { type: "product", productId: lamp.id, quantity: 2 } });

      expect(summary.lines).toEqual([expect.objectContaining({ productId: lamp.id, unitPrice: 33_000, quantity: 2, lineTotal: 66_000, issue: null })]);
      expect(summary).toMatchObject({ itemsTotal: 66_000, shippingFee: 0, totalAmount: 66_000, canPlaceOrder: true, paymentWindowMinutes: 10 });
      expect(summary.addresses.map((address) => address.isDefault)).toEqual([true, false]);
      expect(summary.addresses[1]).toMatchObject({ id: second.id, label: "회사", recipient: "김회사", address1: "서울특별시 강남구 테헤란로 123" });
    });

    it("summarises the ticked cart lines only and flags a line that cannot be bought", async () => {
      const { user, client } = await buyer();
      const [a, b, c] = await Promise.all([product({ price: 1_000 }), product({ price: 2_000, stock: 1 }), product({ price: 5_000 })]);
      await db.cartItem.createMany({
        data: [
          { userId: user.id, productId: a.id, quantity: 3 },
          { userId: user.id, productId: b.id, quantity: 2 },
          { userId: user.id, productId: c.id, quantity: 1, isSelected: false },
        ],
      });

      const summary = await client.order.checkout.query({ source: { type: "cart" } });

      expect(summary.lines.map((line) => [line.productId, line.issue])).toEqual(expect.arrayContaining([[a.id, null], [b.id, "INSUFFICIENT_STOCK"]]));
      expect(summary.lines).toHaveLength(2);
      expect(summary.canPlaceOrder).toBe(false);
    });
  });

  describe("placing an order", () => {
    it("takes the stock, holds it as PENDING_PAYMENT until the deadline and marks the product sold out at zero", async () => {
      const { client, address } = await buyer();
      const cup = await product({ price: 12_000, stock: 3 });

      const order = await buyNow(client, { productId: cup.id, quantity: 3, addressId: address.id });

      expect(order).toMatchObject({ status: "PENDING_PAYMENT", totalAmount: 36_000, isRepeat: false });
      expect(order.paymentDueAt).toEqual(new Date(clock.now().getTime() + 10 * 60_000));
      expect(await stockOf(cup.id)).toEqual({ stock: 0, status: "SOLD_OUT" });
      const saved = await db.order.findUniqueOrThrow({ where: { id: order.id }, select: { dueAt: true, recipientEnc: true, items: true } });
      expect(saved.dueAt).toEqual(order.paymentDueAt);
      expect(saved.recipientEnc).toMatch(/^v1\./);
      expect(saved.items).toEqual([expect.objectContaining({ productId: cup.id, productName: cup.name, unitPrice: 12_000, quantity: 3, lineTotal: 36_000 })]);
      expect(await db.outboxEvent.count({ where: { name: "shop/order.placed", payload: { equals: { orderId: order.id, paymentDueAt: order.paymentDueAt.toISOString() } } } })).toBe(1);
    });

    it("returns the same order for the same idempotency key, sequentially and concurrently, taking stock once", async () => {
      const { client, address } = await buyer();
      const pen = await product({ stock: 10 });
      const idempotencyKey = newIdempotencyKey();

      const results = await Promise.all(Array.from({ length: 5 }, () => buyNow(client, { productId: pen.id, quantity: 2, addressId: address.id, idempotencyKey })));
      const again = await buyNow(client, { productId: pen.id, quantity: 2, addressId: address.id, idempotencyKey });

      expect(new Set([...results, again].map((order) => order.id)).size).toBe(1);
      expect(again.isRepeat).toBe(true);
      expect((await stockOf(pen.id)).stock).toBe(8);
    });

    it("orders the ticked cart lines in one transaction and removes only those lines from the cart", async () => {
      const { user, client, address } = await buyer();
      const [a, b, c] = await Promise.all([product({ price: 1_000 }), product({ price: 2_500 }), product({ price: 9_000 })]);
      await db.cartItem.createMany({
        data: [
          { userId: user.id, productId: a.id, quantity: 2 },
          { userId: user.id, productId: b.id, quantity: 1 },
          { userId: user.id, productId: c.id, quantity: 1, isSelected: false },
        ],
      });

      const order = await client.order.create.mutate({ source: { type: "cart" }, addressId: address.id, idempotencyKey: newIdempotencyKey() });

      expect(order.totalAmount).toBe(4_500);
      expect((await db.cartItem.findMany({ where: { userId: user.id }, select: { productId: true } })).map((line) => line.productId)).toEqual([c.id]);
      expect([(await stockOf(a.id)).stock, (await stockOf(b.id)).stock, (await stockOf(c.id)).stock]).toEqual([8, 9, 10]);
    });

    it("changes nothing when one cart line is short, and names that product", async () => {
      const { user, client, address } = await buyer();
      const plenty = await product({ stock: 10 });
      const scarce = await product({ stock: 1, name: `한정 머그 ${newIdempotencyKey().slice(0, 6)}` });
      await db.cartItem.createMany({ data: [{ userId: user.id, productId: plenty.id, quantity: 2 }, { userId: user.id, productId: scarce.id, quantity: 1 }] });
      // Someone else buys the last mug between the cart view and the order.
      await db.product.update({ where: { id: scarce.id }, data: { stock: 0, status: "SOLD_OUT" } });

      const error = await errorOf(client.order.create.mutate({ source: { type: "cart" }, addressId: address.id, idempotencyKey: newIdempotencyKey() }));

      expect(error.data?.code).toBe("CONFLICT");
      expect(error.data?.domainCode).toBe("SOLD_OUT");
      expect(error.message).toContain(scarce.name);
      expect((await stockOf(plenty.id)).stock).toBe(10);
      expect(await db.cartItem.count({ where: { userId: user.id } })).toBe(2);
      expect(await db.order.count({ where: { userId: user.id } })).toBe(0);
    });

    it("rolls back earlier lines when a later line loses the race inside the transaction", async () => {
      const { user, client, address } = await buyer();
      const first = await product({ stock: 5 });
      const second = await product({ stock: 1 });
      await db.cartItem.createMany({ data: [{ userId: user.id, productId: first.id, quantity: 2 }, { userId: user.id, productId: second.id, quantity: 1 }] });
      const rival = await buyer();

      const results = await Promise.allSettled([
        client.order.create.mutate({ source: { type: "cart" }, addressId: address.id, idempotencyKey: newIdempotencyKey() }),
        buyNow(rival.client, { productId: second.id, quantity: 1, addressId: rival.address.id }),
      ]);

      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      const firstStock = (await stockOf(first.id)).stock;
      const cartOrdered = results[0].status === "fulfilled";
      expect(firstStock).toBe(cartOrdered ? 3 : 5);
      expect(await stockOf(second.id)).toEqual({ stock: 0, status: "SOLD_OUT" });
    });

    it("rejects bad quantities before touching anything", async () => {
      const { client, address } = await buyer();
      const item = await product({ stock: 50 });
      for (const quantity of [0, -1, 1.5, MAX_QUANTITY_PER_ORDER + 1]) {
        const error = await errorOf(buyNow(client, { productId: item.id, quantity, addressId: address.id }));
        expect(error.data?.code).toBe("BAD_REQUEST");
        expect(error.data?.zodError?.fieldErrors).toBeDefined();
      }
      const malformed = await errorOf(client.order.create.mutate({ source: { type: "product", productId: item.id, quantity: "2" as unknown as number }, addressId: address.id, idempotencyKey: newIdempotencyKey() }));
      expect(malformed.data?.code).toBe("BAD_REQUEST");
      const badKey = await errorOf(client.order.create.mutate({ source: { type: "product", productId: item.id, quantity: 1 }, addressId: address.id, idempotencyKey: "not-a-uuid" }));
      expect(badKey.data?.code).toBe("BAD_REQUEST");
      expect((await stockOf(item.id)).stock).toBe(50);
    });

    it("refuses more than the stock, naming what is left", async () => {
      const { client, address } = await buyer();
      const item = await product({ stock: 2 });
      const error = await errorOf(buyNow(client, { productId: item.id, quantity: 3, addressId: address.id }));
      expect(error.data?.code).toBe("CONFLICT");
      expect(error.message).toContain("남은 수량 2개");
      expect((await stockOf(item.id)).stock).toBe(2);
    });

    it("answers NOT_FOUND for unknown and discontinued products, CONFLICT for sold-out ones", async () => {
      const { client, address } = await buyer();
      const discontinued = await product({ status: "DISCONTINUED" });
      const soldOut = await product({ stock: 0, status: "SOLD_OUT" });
      expect((await errorOf(buyNow(client, { productId: 2_000_000_000, quantity: 1, addressId: address.id }))).data?.code).toBe("NOT_FOUND");
      expect((await errorOf(buyNow(client, { productId: discontinued.id, quantity: 1, addressId: address.id }))).data?.code).toBe("NOT_FOUND");
      expect((await errorOf(client.order.checkout.query({ source: { type: "product", productId: discontinued.id, quantity: 1 } }))).data?.code).toBe("NOT_FOUND");
      expect((await errorOf(buyNow(client, { productId: soldOut.id, quantity: 1, addressId: address.id }))).data?.code).toBe("CONFLICT");
    });

    it("ignores prices sent by the client", async () => {
      const { client, address } = await buyer();
      const item = await product({ price: 77_000 });
      const tampered = {
        source: { type: "product", productId: item.id, quantity: 1, unitPrice: 1 },
        addressId: address.id,
        idempotencyKey: newIdempotencyKey(),
        totalAmount: 1,
      } as unknown as CreateInput;
      const order = await client.order.create.mutate(tampered);
      expect(order.totalAmount).toBe(77_000);
      expect(await db.orderItem.findFirstOrThrow({ where: { orderId: order.id }, select: { unitPrice: true } })).toEqual({ unitPrice: 77_000 });
    });

    it("refuses another user's address and never orders another user's cart", async () => {
      const { client, user } = await buyer();
      const other = await buyer();
      const item = await product();
      await db.cartItem.create({ data: { userId: other.user.id, productId: item.id, quantity: 1 } });
      await createAddress(db, user.id);

      const error = await errorOf(buyNow(client, { productId: item.id, quantity: 1, addressId: other.address.id }));
      expect(error.data?.code).toBe("NOT_FOUND");
      const ownAddress = await db.address.findFirstOrThrow({ where: { userId: user.id } });
      const emptyCart = await errorOf(client.order.create.mutate({ source: { type: "cart" }, addressId: ownAddress.id, idempotencyKey: newIdempotencyKey() }));
      expect(emptyCart.data?.code).toBe("PRECONDITION_FAILED");
      expect(await db.cartItem.count({ where: { userId: other.user.id } })).toBe(1);
      expect((await stockOf(item.id)).stock).toBe(10);
    });

    it("refuses anonymous callers", async () => {
      const anonymous = createTestClient(server.url);
      const item = await product();
      expect((await errorOf(anonymous.order.create.mutate({ source: { type: "product", productId: item.id, quantity: 1 }, addressId: 1, idempotencyKey: newIdempotencyKey() }))).data?.code).toBe("UNAUTHORIZED");
      expect((await errorOf(anonymous.order.list.query({}))).data?.code).toBe("UNAUTHORIZED");
    });

    it("sells exactly the stock when 50 buyers race for 10 units", async () => {
      const item = await product({ stock: 10 });
      const buyers = await Promise.all(Array.from({ length: 50 }, () => buyer()));

      const results = await Promise.allSettled(buyers.map(({ client, address }) => buyNow(client, { productId: item.id, quantity: 1, addressId: address.id })));

      const won = results.filter((result) => result.status === "fulfilled");
      const lost = results.filter((result): result is PromiseRejectedResult => result.status === "rejected");
      expect(won).toHaveLength(10);
      expect(lost.every((result) => result.reason instanceof TRPCClientError && result.reason.data?.code === "CONFLICT")).toBe(true);
      expect(await stockOf(item.id)).toEqual({ stock: 0, status: "SOLD_OUT" });
      expect(await db.orderItem.count({ where: { productId: item.id } })).toBe(10);
    });
  });

  describe("paying", () => {
    it("confirms the amount with the provider and marks the order PAID", async () => {
      const { client, address } = await buyer();
      const item = await product({ price: 15_000 });
      const order = await buyNow(client, { productId: item.id, quantity: 2, addressId: address.id });

      const paid = await client.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 30_000 });

      expect(paid).toMatchObject({ orderId: order.id, status: "PAID", totalAmount: 30_000 });
      const saved = await db.order.findUniqueOrThrow({ where: { id: order.id }, select: { status: true, paidAt: true, dueAt: true, payments: true } });
      expect(saved.paidAt).toEqual(clock.now());
      expect(saved.dueAt).toEqual(new Date(clock.now().getTime() + 24 * HOUR));
      expect(saved.payments).toEqual([expect.objectContaining({ status: "APPROVED", amount: 30_000, provider: "sandbox" })]);
      expect(await db.outboxEvent.count({ where: { name: "shop/order.paid", payload: { equals: { orderId: order.id } } } })).toBe(1);
    });

    it("rejects and logs an amount that differs from the order, leaving it payable", async () => {
      const { client, address } = await buyer();
      const item = await product({ price: 15_000 });
      const order = await buyNow(client, { productId: item.id, quantity: 1, addressId: address.id });

      const error = await errorOf(client.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 100 }));

      expect(error.data?.code).toBe("CONFLICT");
      const saved = await db.order.findUniqueOrThrow({ where: { id: order.id }, select: { status: true, payments: { select: { status: true, failureCode: true, amount: true } } } });
      expect(saved).toEqual({ status: "PENDING_PAYMENT", payments: [{ status: "FAILED", failureCode: "AMOUNT_MISMATCH", amount: 100 }] });
      await expect(client.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 15_000 })).resolves.toMatchObject({ status: "PAID" });
    });

    it("treats a double-clicked payment as one payment", async () => {
      const { client, address } = await buyer();
      const item = await product({ price: 8_000 });
      const order = await buyNow(client, { productId: item.id, quantity: 1, addressId: address.id });
      const paymentKey = newPaymentKey();

      const results = await Promise.all(Array.from({ length: 4 }, () => client.order.pay.mutate({ orderId: order.id, paymentKey, amount: 8_000 })));

      expect(results.every((result) => result.status === "PAID")).toBe(true);
      expect(await db.payment.findMany({ where: { orderId: order.id }, select: { status: true } })).toEqual([{ status: "APPROVED" }]);
      const error = await errorOf(client.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 8_000 }));
      expect(error.data?.code).toBe("PRECONDITION_FAILED");
    });

    it("refuses to pay after the deadline and for someone else's order", async () => {
      const { client, address, user } = await buyer();
      const other = await buyer();
      const item = await product({ price: 5_000 });
      const order = await buyNow(client, { productId: item.id, quantity: 1, addressId: address.id });

      expect((await errorOf(other.client.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 5_000 }))).data?.code).toBe("NOT_FOUND");
      expect((await errorOf(other.client.order.get.query({ id: order.id }))).data?.code).toBe("NOT_FOUND");
      expect((await errorOf(other.client.order.cancel.mutate({ id: order.id }))).data?.code).toBe("NOT_FOUND");

      const late = fixedClock(order.paymentDueAt);
      const lateServer = await startTestServer({ deps: { ...appDeps(), clock: late } });
      try {
        const lateClient = createTestClient(lateServer.url, { cookie: await sessionCookieFor(user) });
        const error = await errorOf(lateClient.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 5_000 }));
        expect(error.data?.code).toBe("PRECONDITION_FAILED");
        expect(error.message).toContain("결제 기한");
      } finally {
        await lateServer.close();
      }
      expect(await db.order.findUniqueOrThrow({ where: { id: order.id }, select: { status: true } })).toEqual({ status: "PENDING_PAYMENT" });
    });
  });

  describe("paying a flash-sale order, which is placed without an address", () => {
    // A private sandbox, so "nothing was charged" is this block's own count, not other files' traffic.
    const sandbox = createPaymentSandbox();
    let saleServer: Awaited<ReturnType<typeof startTestServer>>;
    let saleId: number;
    const saleUserIds: string[] = [];

    async function saleBuyer() {
      const user = await createUser(db);
      saleUserIds.push(user.id);
      return { user, client: createTestClient(saleServer.url, { cookie: await sessionCookieFor(user) }) };
    }

    /** Wins one unit through sale.reserve, as the sale page does; the order has no address yet. */
    async function winSaleOrder(buyer: Awaited<ReturnType<typeof saleBuyer>>) {
      const { token } = issuePurchaseToken(appDeps(), { userId: buyer.user.id, saleId, session: freshPurchaseSession() }, clock.now().getTime());
      const result = await buyer.client.sale.reserve.mutate({ saleId, idempotencyKey: newIdempotencyKey(), purchaseToken: token });
      if (result.outcome !== "WON") throw new Error(`expected a win, got ${result.outcome}`);
      return db.order.findUniqueOrThrow({ where: { id: result.orderId }, select: { id: true, totalAmount: true, recipientEnc: true } });
    }

    const savedOrder = (orderId: string) =>
      db.order.findUniqueOrThrow({
        where: { id: orderId },
        select: { status: true, recipientEnc: true, phoneEnc: true, postalCodeEnc: true, address1Enc: true, address2Enc: true, payments: { select: { status: true } } },
      });

    beforeAll(async () => {
      const sandboxUrl = await sandbox.listen(0);
      saleServer = await startTestServer({ deps: { ...appDeps(), clock, payments: createPaymentGateway({ baseUrl: sandboxUrl }) } });
      const saleProduct = await product({ price: 80_000, stock: 0 });
      saleId = (await createFlashSale(db, { productId: saleProduct.id, opensAt: clock.now(), quantity: 20, salePrice: 39_000 })).id;
    });

    beforeEach(() => sandbox.reset());

    afterAll(async () => {
      await saleServer.close();
      await sandbox.close();
      await deleteUsersWithOrders(db, saleUserIds);
      await deleteSaleCompletely(appDeps(), saleId);
    });

    it("refuses to pay without an address and charges nothing", async () => {
      const buyer = await saleBuyer();
      await createAddress(db, buyer.user.id);
      const order = await winSaleOrder(buyer);
      expect(order).toMatchObject({ totalAmount: 39_000, recipientEnc: null });

      const error = await errorOf(buyer.client.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 39_000 }));

      expect(error.data?.code).toBe("BAD_REQUEST");
      expect(error.data?.domainCode).toBe("INVALID_INPUT");
      expect(error.message).toBe("배송지를 선택해 주세요.");
      expect(await savedOrder(order.id)).toMatchObject({ status: "PENDING_PAYMENT", recipientEnc: null, payments: [] });
      expect(sandbox.stats()).toMatchObject({ confirmRequests: 0, approved: 0, capturedAmount: 0 });
    });

    it("answers NOT_FOUND for another user's address (and a missing one) and charges nothing", async () => {
      const buyer = await saleBuyer();
      await createAddress(db, buyer.user.id);
      const stranger = await saleBuyer();
      const strangersAddress = await createAddress(db, stranger.user.id);
      const order = await winSaleOrder(buyer);

      for (const addressId of [strangersAddress.id, 2_147_483_647]) {
        const error = await errorOf(buyer.client.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 39_000, addressId }));
        expect(error.data?.code).toBe("NOT_FOUND");
        expect(error.message).toBe("배송지를 찾을 수 없습니다.");
      }
      const badId = await errorOf(buyer.client.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 39_000, addressId: 0 }));
      expect(badId.data?.code).toBe("BAD_REQUEST");

      expect(await savedOrder(order.id)).toMatchObject({ status: "PENDING_PAYMENT", recipientEnc: null, payments: [] });
      expect(sandbox.stats().confirmRequests).toBe(0);
    });

    it("pays with the buyer's own address, copying it onto the order in the same step", async () => {
      const buyer = await saleBuyer();
      await createAddress(db, buyer.user.id);
      const chosen = await createAddress(db, buyer.user.id, { isDefault: false, label: "회사", recipient: "김세일" });
      const order = await winSaleOrder(buyer);

      const paid = await buyer.client.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 39_000, addressId: chosen.id });

      expect(paid).toMatchObject({ orderId: order.id, status: "PAID", totalAmount: 39_000 });
      const address = await db.address.findUniqueOrThrow({ where: { id: chosen.id }, select: { recipientEnc: true, phoneEnc: true, postalCodeEnc: true, address1Enc: true, address2Enc: true } });
      expect(await savedOrder(order.id)).toEqual({ status: "PAID", ...address, payments: [{ status: "APPROVED" }] });
      expect(sandbox.stats()).toMatchObject({ confirmRequests: 1, approved: 1, capturedAmount: 39_000 });

      // The order keeps its copy even when the saved address is deleted later.
      await db.address.delete({ where: { id: chosen.id } });
      const detail = await buyer.client.order.get.query({ id: order.id });
      expect(detail).toMatchObject({ status: "PAID", saleId, shippingAddress: { recipient: "김세일", postalCode: "06236", address1: "서울특별시 강남구 테헤란로 123", address2: "4층" } });
    });

    it("leaves checkout orders as they were: paid without an address id, and one sent anyway is refused without charging", async () => {
      const { client, address, user } = await buyer();
      const saleSideClient = createTestClient(saleServer.url, { cookie: await sessionCookieFor(user) });
      const item = await product({ price: 7_000 });
      const order = await buyNow(client, { productId: item.id, quantity: 1, addressId: address.id });
      const other = await createAddress(db, user.id, { isDefault: false, recipient: "다른분" });

      const error = await errorOf(saleSideClient.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 7_000, addressId: other.id }));
      expect(error.data?.code).toBe("BAD_REQUEST");
      expect(error.message).toContain("배송지를 바꿀 수 없습니다");
      expect(sandbox.stats().confirmRequests).toBe(0);

      await expect(saleSideClient.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 7_000 })).resolves.toMatchObject({ status: "PAID" });
      expect((await saleSideClient.order.get.query({ id: order.id })).shippingAddress).toMatchObject({ recipient: "홍길동" });
    });

    it("a payment racing the expiry sweep at the deadline ends in exactly one outcome; the money, MySQL and Redis agree", async () => {
      try {
        for (let round = 0; round < 8; round += 1) {
          const buyer = await saleBuyer();
          const address = await createAddress(db, buyer.user.id);
          const order = await winSaleOrder(buyer);
          const { paymentDueAt } = await db.order.findUniqueOrThrow({ where: { id: order.id }, select: { paymentDueAt: true } });
          const before = sandbox.stats();
          // Two instances whose clocks straddle the deadline: the paying one reads 1 ms before it, the sweeping one 1 ms after.
          clock.set(paymentDueAt.getTime() - 1);
          await Promise.allSettled([
            buyer.client.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 39_000, addressId: address.id }),
            expireUnpaidOrders({ ...appDeps(), clock: fixedClock(paymentDueAt.getTime() + 1) }),
          ]);

          const { status } = await db.order.findUniqueOrThrow({ where: { id: order.id }, select: { status: true } });
          const after = sandbox.stats();
          const netCharged = after.capturedAmount - before.capturedAmount - (after.refundedAmount - before.refundedAmount);
          expect(status === "PAID" || status === "EXPIRED").toBe(true);
          expect(netCharged).toBe(status === "PAID" ? 39_000 : 0);
        }
      } finally {
        clock.set(ORDER_TEST_EPOCH);
      }

      // Locally the sweep usually wins (the payment waits on the provider), which is the late-payment path: the
      // approved charge is cancelled at once. Either way nothing is charged for a unit that went back.
      const sale = await db.sale.findUniqueOrThrow({ where: { id: saleId }, select: { soldCount: true } });
      expect(sale.soldCount).toBe(await db.order.count({ where: { saleId, status: "PAID" } }));
      const reconciliation = await reconcileSale(appDeps(), saleId, { repair: false });
      expect(reconciliation.drift).toBe(0);
      expect(reconciliation.isInvariantHeld).toBe(true);
    });
  });

  describe("cancel and return", () => {
    it("cancels an unpaid order and gives its stock back", async () => {
      const { client, address } = await buyer();
      const item = await product({ stock: 2 });
      const order = await buyNow(client, { productId: item.id, quantity: 2, addressId: address.id });
      expect(await stockOf(item.id)).toEqual({ stock: 0, status: "SOLD_OUT" });

      await expect(client.order.cancel.mutate({ id: order.id })).resolves.toEqual({ id: order.id, status: "CANCELLED", isRefundRequested: false });

      expect(await stockOf(item.id)).toEqual({ stock: 2, status: "AVAILABLE" });
      const again = await errorOf(client.order.cancel.mutate({ id: order.id }));
      expect(again.data?.code).toBe("PRECONDITION_FAILED");
      expect((await stockOf(item.id)).stock).toBe(2);
    });

    it("cancels a paid order, refunds it through the provider and gives its stock back", async () => {
      const { client, address } = await buyer();
      const item = await product({ price: 20_000, stock: 4 });
      const order = await buyNow(client, { productId: item.id, quantity: 1, addressId: address.id });
      await client.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 20_000 });

      await expect(client.order.cancel.mutate({ id: order.id, reason: "단순 변심" })).resolves.toMatchObject({ status: "CANCELLED", isRefundRequested: true });

      expect((await stockOf(item.id)).stock).toBe(4);
      const detail = await client.order.get.query({ id: order.id });
      expect(detail).toMatchObject({ status: "CANCELLED", cancelReason: "단순 변심", canCancel: false, canPay: false, refund: { amount: 20_000 } });
      expect(detail.refund?.refundedAt).toBeInstanceOf(Date);
      expect(detail.timeline.map((entry) => entry.step)).toEqual(["PLACED", "PAID", "CANCELLED", "REFUNDED"]);
    });

    it("refuses to cancel once shipped, with a clear message and no change", async () => {
      const { client, address } = await buyer();
      const item = await product({ price: 3_000 });
      const order = await buyNow(client, { productId: item.id, quantity: 1, addressId: address.id });
      await client.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 3_000 });
      await advanceOrder({ ...appDeps(), clock: fixedClock(clock.now().getTime() + 24 * HOUR) }, { orderId: order.id, step: "ship" });

      const error = await errorOf(client.order.cancel.mutate({ id: order.id }));

      expect(error.data?.code).toBe("PRECONDITION_FAILED");
      expect(error.message).toContain("배송이 시작");
      expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("SHIPPING");
      expect((await stockOf(item.id)).stock).toBe(9);
    });

    it("accepts a return only after delivery and within the window", async () => {
      const { client, address } = await buyer();
      const item = await product({ price: 3_000 });
      const early = await errorOf(client.order.requestReturn.mutate({ id: (await buyNow(client, { productId: item.id, quantity: 1, addressId: address.id })).id }));
      expect(early.data?.code).toBe("PRECONDITION_FAILED");

      const order = await buyNow(client, { productId: item.id, quantity: 1, addressId: address.id });
      await client.order.pay.mutate({ orderId: order.id, paymentKey: newPaymentKey(), amount: 3_000 });
      const later = fixedClock(clock.now().getTime() + 48 * HOUR);
      await advanceOrder({ ...appDeps(), clock: later }, { orderId: order.id, step: "ship" });
      await advanceOrder({ ...appDeps(), clock: later }, { orderId: order.id, step: "deliver" });

      const detail = await client.order.get.query({ id: order.id });
      expect(detail).toMatchObject({ status: "DELIVERED", canRequestReturn: true, canCancel: false });
      await expect(client.order.requestReturn.mutate({ id: order.id })).resolves.toEqual({ id: order.id, status: "RETURN_REQUESTED" });
      expect((await errorOf(client.order.requestReturn.mutate({ id: order.id }))).data?.code).toBe("PRECONDITION_FAILED");
    });
  });

  describe("my orders", () => {
    it("lists only the caller's orders, newest first, filtered by status", async () => {
      const { client, address } = await buyer();
      const other = await buyer();
      const item = await product({ price: 1_000, stock: 50 });
      const first = await buyNow(client, { productId: item.id, quantity: 1, addressId: address.id });
      clock.advance(1_000);
      const second = await buyNow(client, { productId: item.id, quantity: 1, addressId: address.id });
      await client.order.pay.mutate({ orderId: second.id, paymentKey: newPaymentKey(), amount: 1_000 });
      await buyNow(other.client, { productId: item.id, quantity: 1, addressId: other.address.id });

      const all = await client.order.list.query({});
      expect(all.items.map((order) => order.id)).toEqual([second.id, first.id]);
      expect(all.total).toBe(2);
      const paid = await client.order.list.query({ status: "PAID" });
      expect(paid.items.map((order) => order.id)).toEqual([second.id]);
      expect((await errorOf(client.order.list.query({ status: "BOGUS" as "PAID" }))).data?.code).toBe("BAD_REQUEST");
    });

    it("shows the detail with the decrypted shipping address and allowed actions", async () => {
      const { client, address } = await buyer();
      const item = await product({ price: 4_000 });
      const order = await buyNow(client, { productId: item.id, quantity: 1, addressId: address.id });

      const detail = await client.order.get.query({ id: order.id });

      expect(detail).toMatchObject({
        status: "PENDING_PAYMENT",
        canPay: true,
        canCancel: true,
        canRequestReturn: false,
        shippingAddress: { recipient: "홍길동", postalCode: "06236", address1: "서울특별시 강남구 테헤란로 123", address2: "4층" },
      });
      expect(detail).not.toHaveProperty("recipientEnc");
      expect(detail.serverTime).toEqual(clock.now());
    });
  });
});
