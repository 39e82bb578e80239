import { InngestTestEngine } from "@inngest/test";
import { afterAll, describe, expect, it } from "vitest";

import { expireUnpaidOrder } from "~/inngest/functions/expire-unpaid-order.ts";
import { refundPaymentFunction } from "~/inngest/functions/refund-payment.ts";
import { sendOrderEmailFunction } from "~/inngest/functions/send-order-email.ts";
import { createApp } from "~/server/app.ts";
import { fixedClock } from "~/server/clock.ts";
import { db } from "~/server/db.ts";
import { payOrder } from "~/server/domain/orders/pay-order.ts";
import { placeOrder } from "~/server/domain/orders/place-order.ts";
import { redis } from "~/server/redis.ts";
import { createAddress, createProduct, createUser } from "~/server/testing/factories.ts";
import { deleteUsersWithOrders, newIdempotencyKey, newPaymentKey } from "~/server/testing/orders.ts";

describe("order Inngest functions", () => {
  const userIds: string[] = [];
  const productIds: number[] = [];

  afterAll(async () => {
    await deleteUsersWithOrders(db, userIds);
    await db.product.deleteMany({ where: { id: { in: productIds } } });
  });

  /** An order placed `ageMs` ago on the real clock (these functions run with the app's clock). */
  async function placedOrder(options: { ageMs: number; paid?: boolean }) {
    const user = await createUser(db);
    userIds.push(user.id);
    const address = await createAddress(db, user.id);
    const product = await createProduct(db, { stock: 3, price: 11_000 });
    productIds.push(product.id);
    const deps = createApp({ db, redis, clock: fixedClock(Date.now() - options.ageMs) });
    const order = await placeOrder(deps, { userId: user.id, source: { type: "product", productId: product.id, quantity: 1 }, addressId: address.id, idempotencyKey: newIdempotencyKey() });
    if (options.paid) await payOrder(deps, { userId: user.id, orderId: order.id, paymentKey: newPaymentKey(), amount: order.totalAmount });
    return { user, product, order };
  }

  it("expire-unpaid-order sleeps until the payment deadline, then releases the unpaid hold", async () => {
    const { order, product } = await placedOrder({ ageMs: 11 * 60_000 });
    expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(2);

    const engine = new InngestTestEngine({ function: expireUnpaidOrder });
    const { result, ctx } = await engine.execute({
      events: [{ name: "shop/order.placed", data: { orderId: order.id, paymentDueAt: order.paymentDueAt.toISOString() } }],
      // The engine does not really sleep: the mocked step stands for "the deadline has come".
      steps: [{ id: "wait for the payment deadline", handler() {} }],
    });

    expect(ctx.step.sleepUntil).toHaveBeenCalledWith("wait for the payment deadline", order.paymentDueAt);
    expect(ctx.step.run).toHaveBeenCalledWith("expire the order if still unpaid", expect.any(Function));
    // The cron sweep may have expired it a moment earlier; either way it happens once.
    expect(result).toMatchObject({ orderId: order.id, isExpired: expect.any(Boolean) });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("EXPIRED");
    expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(3);
  });

  it("expire-unpaid-order leaves a paid order alone", async () => {
    const { order } = await placedOrder({ ageMs: 1_000, paid: true });
    const engine = new InngestTestEngine({ function: expireUnpaidOrder });
    const { result } = await engine.execute({
      events: [{ name: "shop/order.placed", data: { orderId: order.id, paymentDueAt: order.paymentDueAt.toISOString() } }],
      steps: [{ id: "wait for the payment deadline", handler() {} }],
    });
    expect(result).toEqual({ orderId: order.id, isExpired: false });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("PAID");
  });

  it("send-order-email mails the buyer for the event it receives", async () => {
    const { order, user } = await placedOrder({ ageMs: 1_000, paid: true });
    const engine = new InngestTestEngine({ function: sendOrderEmailFunction });

    const { result, ctx } = await engine.execute({ events: [{ name: "shop/order.paid", data: { orderId: order.id } }] });

    expect(ctx.step.run).toHaveBeenCalledWith("send the order email", expect.any(Function));
    expect(result).toEqual({ sent: true });
    const mail = await db.emailMessage.findFirstOrThrow({ where: { toAddress: user.email, template: "order-paid" } });
    expect(mail.subject).toBe("[FlashMart] 결제가 완료되었습니다");
    expect(mail.text).toContain(order.id);
    expect(mail.text).toContain("11,000원");
  });

  it("refund-payment gives a charge owed back through the provider, once", async () => {
    const { order } = await placedOrder({ ageMs: 1_000, paid: true });
    const payment = await db.payment.findFirstOrThrow({ where: { orderId: order.id } });
    // As a cancel leaves them: the order no longer paid, its charge owed back. A paid order's charge is never refunded.
    await db.order.update({ where: { id: order.id }, data: { status: "CANCELLED" } });
    await db.payment.update({ where: { id: payment.id }, data: { status: "REFUND_PENDING" } });
    const event = { name: "shop/payment.refund-requested", data: { orderId: order.id, paymentId: payment.id } };

    // Two separate runs (a redelivered event): each engine starts with fresh step state.
    const first = await new InngestTestEngine({ function: refundPaymentFunction }).execute({ events: [event] });
    const second = await new InngestTestEngine({ function: refundPaymentFunction }).execute({ events: [event] });

    expect(first.result).toEqual({ refunded: true });
    expect(second.result).toEqual({ refunded: false });
    expect(await db.payment.findUniqueOrThrow({ where: { id: payment.id }, select: { status: true } })).toEqual({ status: "REFUNDED" });
  });

  it("refund-payment never gives back the charge of an order that is still paid", async () => {
    const { order } = await placedOrder({ ageMs: 1_000, paid: true });
    const payment = await db.payment.findFirstOrThrow({ where: { orderId: order.id } });

    const run = await new InngestTestEngine({ function: refundPaymentFunction }).execute({ events: [{ name: "shop/payment.refund-requested", data: { orderId: order.id, paymentId: payment.id } }] });

    expect(run.result).toEqual({ refunded: false });
    expect(await db.payment.findUniqueOrThrow({ where: { id: payment.id }, select: { status: true } })).toEqual({ status: "APPROVED" });
  });
});
