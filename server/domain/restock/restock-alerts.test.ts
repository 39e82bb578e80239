import { afterAll, describe, expect, it } from "vitest";

import { createApp } from "~/server/app.ts";
import { fixedClock } from "~/server/clock.ts";
import { db } from "~/server/db.ts";
import { updateProduct } from "~/server/domain/admin/products/manage-products.ts";
import { cancelOrder } from "~/server/domain/orders/cancel-order.ts";
import { expireOrder } from "~/server/domain/orders/expire-unpaid-orders.ts";
import { placeOrder } from "~/server/domain/orders/place-order.ts";
import { cancelRestockAlert, getRestockAlertStatus, subscribeToRestock } from "~/server/domain/restock/manage-restock-alerts.ts";
import { notifyRestockBatch, notifyRestockSubscribers } from "~/server/domain/restock/notify-restock-subscribers.ts";
import type { RestockTarget } from "~/server/domain/restock/restock-target.ts";
import { readSaleStatus } from "~/server/domain/sales/sale-state.ts";
import { sendEmail } from "~/server/email.ts";
import type { EmailSender } from "~/server/email.ts";
import { redis } from "~/server/redis.ts";
import { createAddress, createCategory, createFlashSale, createOrder, createProduct, createUser, createUsers } from "~/server/testing/factories.ts";
import { deleteUsersWithOrders, newIdempotencyKey } from "~/server/testing/orders.ts";
import { deleteRestockEvents, deliverRestockEvents, restockEventsFor, restockMailsTo } from "~/server/testing/restock.ts";
import { deleteSaleCompletely } from "~/server/testing/sales.ts";

const NOW = new Date("2032-02-01T03:00:00.000Z");
const clock = fixedClock(NOW);
const deps = createApp({ db, redis, clock });

const userIds: string[] = [];
const targets: RestockTarget[] = [];
const saleIds: number[] = [];
let categoryId: number | undefined;

afterAll(async () => {
  await deleteRestockEvents(db, targets);
  for (const saleId of saleIds) await deleteSaleCompletely(deps, saleId);
  await deleteUsersWithOrders(db, userIds);
  if (categoryId !== undefined) {
    await db.product.deleteMany({ where: { categoryId } });
    await db.category.delete({ where: { id: categoryId } });
  }
});

async function soldOutProduct(overrides: { stock?: number } = {}) {
  categoryId ??= (await createCategory(db)).id;
  const product = await createProduct(db, { categoryId, stock: overrides.stock ?? 0, status: (overrides.stock ?? 0) > 0 ? "AVAILABLE" : "SOLD_OUT", price: 39_000 });
  targets.push({ productId: product.id });
  return product;
}

async function shoppers(count: number) {
  const users = await Promise.all(Array.from({ length: count }, () => createUser(db)));
  userIds.push(...users.map((user) => user.id));
  return users;
}

describe("restock alerts: product triggers", () => {
  it("an admin putting a sold-out product back in stock mails each active subscriber once, even with racing handlers", async () => {
    const product = await soldOutProduct();
    const target = { productId: product.id };
    const [first, second, third, quitter] = await shoppers(4);
    for (const user of [first!, second!, third!, quitter!]) await subscribeToRestock(deps, { userId: user.id, target });
    // A double click is one alert.
    await subscribeToRestock(deps, { userId: first!.id, target });
    await cancelRestockAlert(deps, { userId: quitter!.id, target });

    await updateProduct(deps, { id: product.id, data: { stock: 5, status: "AVAILABLE" } });
    const events = await restockEventsFor(db, target);
    expect(events).toHaveLength(1);

    // The same event delivered eight times at once (retries, a duplicate relay, two instances): one mail each.
    const headersSent: Record<string, string>[] = [];
    const recordingSender: EmailSender = (senderDeps, message) => (headersSent.push(message.headers ?? {}), sendEmail(senderDeps, message));
    await deliverRestockEvents({ ...deps, sendEmail: recordingSender }, Array.from({ length: 8 }, () => events[0]!));
    const mails = await restockMailsTo(db, [first!.email, second!.email, third!.email, quitter!.email]);
    expect(mails.map((mail) => mail.toAddress).sort()).toEqual([first!.email, second!.email, third!.email].sort());
    expect(mails[0]!.subject).toBe(`[FlashMart] ${product.name} 재입고 알림`);
    expect(mails[0]!.text).toContain(`${deps.config.appUrl}/products/${product.id}`);
    expect(mails[0]!.text).toMatch(/알림 해지: http\S+\/restock\/unsubscribe\?token=r1\.\d+\.\d+\.[\w-]+/);
    // Mail clients get their own one-click unsubscribe button (RFC 8058), with the link's token.
    expect(headersSent).toHaveLength(3);
    for (const headers of headersSent) {
      expect(headers["List-Unsubscribe"]).toMatch(/^<http\S+\/api\/restock\/unsubscribe\?token=r1\.\d+\.\d+\.[\w-]+>$/);
      expect(headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    }

    // Told once, the alert ends; stock edits while it is buyable are no restock.
    expect(await getRestockAlertStatus(deps, { userId: first!.id, target })).toEqual({ isSignedIn: true, isSubscribed: false });
    await updateProduct(deps, { id: product.id, data: { stock: 9 } });
    expect(await restockEventsFor(db, target)).toHaveLength(1);
  });

  it("an order cancel that gives back the last units restocks the product; a second delivery mails nobody again", async () => {
    const product = await soldOutProduct({ stock: 1 });
    const target = { productId: product.id };
    const [buyer, waiting] = await shoppers(2);
    const address = await createAddress(db, buyer!.id);
    const order = await placeOrder(deps, { userId: buyer!.id, source: { type: "product", productId: product.id, quantity: 1 }, addressId: address.id, idempotencyKey: newIdempotencyKey() });
    expect(await db.product.findUniqueOrThrow({ where: { id: product.id }, select: { stock: true, status: true } })).toEqual({ stock: 0, status: "SOLD_OUT" });

    await subscribeToRestock(deps, { userId: waiting!.id, target });
    await cancelOrder(deps, { id: order.id, userId: buyer!.id });

    const events = await restockEventsFor(db, target);
    expect(events).toHaveLength(1);
    await deliverRestockEvents(deps, events);
    await deliverRestockEvents(deps, events);
    expect(await restockMailsTo(db, [waiting!.email, buyer!.email])).toHaveLength(1);
  });

  it("subscribing to a buyable product is refused with a Korean message", async () => {
    const product = await soldOutProduct({ stock: 3 });
    const [user] = await shoppers(1);
    await expect(subscribeToRestock(deps, { userId: user!.id, target: { productId: product.id } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("지금 구매할 수 있는 상품입니다"),
    });
  });

  it("a restock already gone when the handler runs mails nobody and keeps the alerts for the next one", async () => {
    const product = await soldOutProduct();
    const target = { productId: product.id };
    const [user] = await shoppers(1);
    await subscribeToRestock(deps, { userId: user!.id, target });

    await updateProduct(deps, { id: product.id, data: { stock: 1, status: "AVAILABLE" } });
    await db.product.update({ where: { id: product.id }, data: { stock: 0, status: "SOLD_OUT" } });
    await deliverRestockEvents(deps, await restockEventsFor(db, target));
    expect(await restockMailsTo(db, [user!.email])).toHaveLength(0);
    expect(await getRestockAlertStatus(deps, { userId: user!.id, target })).toMatchObject({ isSubscribed: true });

    await updateProduct(deps, { id: product.id, data: { stock: 2, status: "AVAILABLE" } });
    const events = await restockEventsFor(db, target);
    expect(events).toHaveLength(2);
    await deliverRestockEvents(deps, events);
    expect(await restockMailsTo(db, [user!.email])).toHaveLength(1);
  });

  it("a failed send gives the person back to the retry, and the retry mails each person exactly once", async () => {
    const product = await soldOutProduct();
    const target = { productId: product.id };
    const users = await shoppers(3);
    for (const user of users) await subscribeToRestock(deps, { userId: user.id, target });
    await updateProduct(deps, { id: product.id, data: { stock: 4, status: "AVAILABLE" } });
    const events = await restockEventsFor(db, target);

    let calls = 0;
    const flakySender: EmailSender = async (senderDeps, message) => {
      calls += 1;
      if (calls === 2) throw new Error("provider down");
      return sendEmail(senderDeps, message);
    };
    await expect(deliverRestockEvents({ ...deps, sendEmail: flakySender }, events)).rejects.toThrow("provider down");
    expect(await restockMailsTo(db, users.map((user) => user.email))).toHaveLength(1);

    await deliverRestockEvents(deps, events);
    const mails = await restockMailsTo(db, users.map((user) => user.email));
    expect(mails.map((mail) => mail.toAddress).sort()).toEqual(users.map((user) => user.email).sort());
  });

  it("pages through many subscribers in batches, one mail each", async () => {
    const product = await soldOutProduct();
    const target = { productId: product.id };
    const many = await createUsers(db, 150);
    userIds.push(...many.map((user) => user.id));
    await db.restockSubscription.createMany({ data: many.map((user) => ({ userId: user.id, productId: product.id })) });
    await db.product.update({ where: { id: product.id }, data: { stock: 10, status: "AVAILABLE" } });

    const first = await notifyRestockBatch(deps, { restockId: "batch-test", target, afterId: 0, batchSize: 100 });
    expect(first).toMatchObject({ sent: 100, isGone: false });
    expect(first.nextAfterId).not.toBeNull();
    // The rest in batches of 20: three pages, each picking up after the last id of the one before.
    const rest = await notifyRestockSubscribers(deps, { restockId: "batch-test", target, batchSize: 20 });
    expect(rest).toEqual({ sent: 50, isGone: false });

    const perUser = await db.restockDelivery.groupBy({ by: ["subscriptionId"], where: { restockId: "batch-test", subscription: { productId: product.id } }, _count: true });
    expect(perUser).toHaveLength(150);
    expect(perUser.every((row) => row._count === 1)).toBe(true);
  });
});

describe("restock alerts: sale triggers", () => {
  it("an unpaid hold that expires gives its unit back and the sale's subscribers are mailed once", async () => {
    const opensAt = new Date(NOW.getTime() - 60_000);
    const sale = await createFlashSale(db, { opensAt, quantity: 1, state: "OPEN", holdMinutes: 10 });
    saleIds.push(sale.id);
    const target = { saleId: sale.id };
    targets.push(target);
    const [holder, waiting] = await shoppers(2);
    const hold = await createOrder(db, { userId: holder!.id, productId: sale.productId, saleId: sale.id, paymentDueAt: new Date(NOW.getTime() + 5 * 60_000) });

    // Every unit is held: the page offers the alert, and the API takes it.
    expect(await readSaleStatus(deps, sale.id)).toMatchObject({ held: 1, available: 0 });
    await subscribeToRestock(deps, { userId: waiting!.id, target });

    clock.set(NOW.getTime() + 6 * 60_000);
    try {
      expect(await expireOrder(deps, { orderId: hold.id })).toBe(true);
      expect(await readSaleStatus(deps, sale.id)).toMatchObject({ held: 0, available: 1 });
      const events = await restockEventsFor(db, target);
      expect(events).toHaveLength(1);
      await deliverRestockEvents(deps, [events[0]!, events[0]!, events[0]!]);
    } finally {
      clock.set(NOW);
    }
    const mails = await restockMailsTo(db, [waiting!.email, holder!.email]);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.toAddress).toBe(waiting!.email);
    expect(mails[0]!.text).toContain(`/sales/${sale.id}`);
  });
});
