/**
 * Admin writes drop the cached public pages that show what they changed, over HTTP against real MariaDB and Redis:
 * the test server's deps.invalidatePublicPages records the tags instead of reaching a page cache (the cache's own
 * handling of tags is server/http/public-page-cache.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { fixedClock } from "~/server/clock.ts";
import { db } from "~/server/db.ts";
import { productChangedTags, saleChangedTags } from "~/server/domain/public-pages.ts";
import { redis } from "~/server/redis.ts";
import { expireOrder } from "~/server/domain/orders/expire-unpaid-orders.ts";
import { createApp } from "~/server/app.ts";
import { finishPaidOrder } from "~/server/domain/payments/paid-sale-units.ts";
import { createAddress, createFlashSale, createOrder, createProduct, createUser } from "~/server/testing/factories.ts";
import { createTestClient, sessionCookieFor, startTestServer } from "~/server/testing/http.ts";
import { deleteUsersWithOrders, newIdempotencyKey } from "~/server/testing/orders.ts";
import { deleteRestockEvents } from "~/server/testing/restock.ts";
import { deleteSaleCompletely } from "~/server/testing/sales.ts";

// Far from every other test's clock, so no one else's due-work sweep touches these sales.
const NOW = new Date("2241-05-01T03:00:00.000Z");
const clock = fixedClock(NOW);
const deps = { db, redis, clock };
const invalidated: string[][] = [];

let server: Awaited<ReturnType<typeof startTestServer>>;
let admin: ReturnType<typeof createTestClient>;
const userIds: string[] = [];
const saleIds: number[] = [];
const productIds: number[] = [];

beforeAll(async () => {
  server = await startTestServer({ deps: { ...deps, invalidatePublicPages: (tags) => void invalidated.push([...tags]) } });
  const adminUser = await createUser(db, { role: "ADMIN" });
  userIds.push(adminUser.id);
  admin = createTestClient(server.url, { cookie: await sessionCookieFor(adminUser) });
});

afterAll(async () => {
  for (const saleId of saleIds) await deleteSaleCompletely(deps, saleId);
  await deleteUsersWithOrders(db, userIds);
  await deleteRestockEvents(db, productIds.map((productId) => ({ productId })));
  await db.product.deleteMany({ where: { id: { in: productIds } } });
  await server.close();
});

function lastInvalidation() {
  return invalidated.at(-1);
}

describe("public page invalidation", () => {
  it("drops a sale's page and the sales strip when the sale is created, edited, paused, resumed and closed", async () => {
    const product = await createProduct(db, { stock: 0 });
    productIds.push(product.id);

    const sale = await admin.adminSale.create.mutate({ productId: product.id, salePrice: 9_900, quantity: 10, opensAt: new Date(NOW.getTime() + 3_600_000) });
    saleIds.push(sale.id);
    expect(lastInvalidation()).toEqual(saleChangedTags(sale.id));
    expect(lastInvalidation()).toEqual([`sale:${sale.id}`, "sales"]);

    invalidated.length = 0;
    await admin.adminSale.update.mutate({ id: sale.id, data: { salePrice: 8_900 } });
    await admin.adminSale.pause.mutate({ id: sale.id });
    await admin.adminSale.resume.mutate({ id: sale.id });
    await admin.adminSale.close.mutate({ id: sale.id });
    expect(invalidated).toEqual(Array.from({ length: 4 }, () => saleChangedTags(sale.id)));
  });

  it("drops nothing when a write is refused", async () => {
    const product = await createProduct(db, { stock: 0 });
    productIds.push(product.id);
    const sale = await admin.adminSale.create.mutate({ productId: product.id, salePrice: 9_900, quantity: 10, opensAt: new Date(NOW.getTime() + 3_600_000) });
    saleIds.push(sale.id);
    await admin.adminSale.close.mutate({ id: sale.id });

    invalidated.length = 0;
    await expect(admin.adminSale.pause.mutate({ id: sale.id })).rejects.toThrow();
    expect(invalidated).toEqual([]);
  });

  it("drops a product's page, the catalog and the sale pages when an admin edits or discontinues the product", async () => {
    const product = await createProduct(db, { stock: 3 });
    productIds.push(product.id);

    invalidated.length = 0;
    await admin.adminProduct.update.mutate({ id: product.id, data: { price: 12_300 } });
    await admin.adminProduct.discontinue.mutate({ id: product.id });
    expect(invalidated).toEqual([productChangedTags(product.id), productChangedTags(product.id)]);
    expect(productChangedTags(product.id)).toEqual([`product:${product.id}`, "catalog", "sales", "sale-pages"]);
  });

  describe("stock state of a regular product", () => {
    async function shopper() {
      const user = await createUser(db);
      userIds.push(user.id);
      const address = await createAddress(db, user.id);
      const client = createTestClient(server.url, { cookie: await sessionCookieFor(user) });
      const buy = (productId: number, quantity = 1) =>
        client.order.create.mutate({ source: { type: "product", productId, quantity }, addressId: address.id, idempotencyKey: newIdempotencyKey() });
      return { client, buy };
    }
    const productTagLists = (productId: number) => invalidated.filter((tags) => tags.includes(`product:${productId}`));

    it("drops the product's pages when an order takes its last unit, and only then", async () => {
      const product = await createProduct(db, { stock: 2 });
      productIds.push(product.id);
      const buyer = await shopper();

      invalidated.length = 0;
      await buyer.buy(product.id);
      expect(productTagLists(product.id)).toEqual([]);
      await buyer.buy(product.id);
      expect(productTagLists(product.id)).toEqual([productChangedTags(product.id)]);
    });

    it("drops them once when buyers race for the last units", async () => {
      const product = await createProduct(db, { stock: 3 });
      productIds.push(product.id);
      const buyers = await Promise.all(Array.from({ length: 12 }, () => shopper()));

      invalidated.length = 0;
      const outcomes = await Promise.allSettled(buyers.map((buyer) => buyer.buy(product.id)));
      expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(3);
      expect(productTagLists(product.id)).toEqual([productChangedTags(product.id)]);
      expect(await db.product.findUniqueOrThrow({ where: { id: product.id }, select: { stock: true, status: true } })).toEqual({ stock: 0, status: "SOLD_OUT" });
    });

    it("drops them when a cancelled or expired order makes a sold-out product buyable again", async () => {
      const product = await createProduct(db, { stock: 2 });
      productIds.push(product.id);
      const buyer = await shopper();
      const first = await buyer.buy(product.id);
      const second = await buyer.buy(product.id);

      invalidated.length = 0;
      await buyer.client.order.cancel.mutate({ id: first.id });
      expect(productTagLists(product.id)).toEqual([productChangedTags(product.id)]);

      // Back in stock already: the second release changes the count, not the state, so it drops nothing.
      invalidated.length = 0;
      const late = createApp({ db, redis, clock: fixedClock(second.paymentDueAt), invalidatePublicPages: (tags) => void invalidated.push([...tags]) });
      expect(await expireOrder(late, { orderId: second.id })).toBe(true);
      expect(productTagLists(product.id)).toEqual([]);

      // Sold out again, then an expiry brings it back.
      const third = await buyer.buy(product.id, 2);
      invalidated.length = 0;
      expect(await expireOrder({ ...late, clock: fixedClock(third.paymentDueAt) }, { orderId: third.id })).toBe(true);
      expect(productTagLists(product.id)).toEqual([productChangedTags(product.id)]);
    });
  });

  it("drops a sale's pages when its last unit is paid for, and when a paid unit comes back and reopens it", async () => {
    const sale = await createFlashSale(db, { opensAt: new Date(NOW.getTime() - 60_000), state: "OPEN", quantity: 2 });
    saleIds.push(sale.id);
    const [first, second] = [await createUser(db), await createUser(db)];
    userIds.push(first.id, second.id);
    const paid = await Promise.all([first, second].map((user) => createOrder(db, { userId: user.id, productId: sale.productId, saleId: sale.id, status: "PAID" })));
    const recordingDeps = createApp({ ...deps, invalidatePublicPages: (tags) => void invalidated.push([...tags]) });
    const saleTagLists = () => invalidated.filter((tags) => tags.includes(`sale:${sale.id}`));

    invalidated.length = 0;
    await finishPaidOrder(recordingDeps, paid[0]!);
    expect(saleTagLists()).toEqual([]);
    await finishPaidOrder(recordingDeps, paid[1]!);
    expect(saleTagLists()).toEqual([saleChangedTags(sale.id)]);
    expect((await db.sale.findUniqueOrThrow({ where: { id: sale.id } })).state).toBe("SOLD_OUT");

    // The second buyer cancels over HTTP: their paid unit goes back and the sale is on sale again.
    invalidated.length = 0;
    const buyer = createTestClient(server.url, { cookie: await sessionCookieFor(second) });
    await buyer.order.cancel.mutate({ id: paid[1]!.id });
    expect((await db.sale.findUniqueOrThrow({ where: { id: sale.id } })).state).toBe("OPEN");
    expect(saleTagLists()).toEqual([saleChangedTags(sale.id)]);
  });
});
