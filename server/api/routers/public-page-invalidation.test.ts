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
import { createProduct, createUser } from "~/server/testing/factories.ts";
import { createTestClient, sessionCookieFor, startTestServer } from "~/server/testing/http.ts";
import { deleteUsersWithOrders } from "~/server/testing/orders.ts";
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
  await db.product.deleteMany({ where: { id: { in: productIds } } });
  await deleteUsersWithOrders(db, userIds);
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
});
