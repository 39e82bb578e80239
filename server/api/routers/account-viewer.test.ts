/**
 * account.viewer over HTTP against real MariaDB: what a cached public page learns in the browser about who is looking
 * (server/domain/accounts/get-viewer.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { db } from "~/server/db.ts";
import { createProduct, createUser } from "~/server/testing/factories.ts";
import { createTestClient, sessionCookieFor, startTestServer } from "~/server/testing/http.ts";

let server: Awaited<ReturnType<typeof startTestServer>>;
const userIds: string[] = [];
const productIds: number[] = [];

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await db.cartItem.deleteMany({ where: { userId: { in: userIds } } });
  await db.user.deleteMany({ where: { id: { in: userIds } } });
  await db.product.deleteMany({ where: { id: { in: productIds } } });
  await server.close();
});

describe("account.viewer", () => {
  it("is null for an anonymous visitor", async () => {
    expect(await createTestClient(server.url).account.viewer.query()).toBeNull();
  });

  it("gives a signed-in shopper's role and cart line count, and follows the cart", async () => {
    const shopper = await createUser(db);
    userIds.push(shopper.id);
    const client = createTestClient(server.url, { cookie: await sessionCookieFor(shopper) });
    expect(await client.account.viewer.query()).toEqual({ role: "USER", cartCount: 0 });

    const [first, second] = [await createProduct(db, { stock: 5 }), await createProduct(db, { stock: 5 })];
    productIds.push(first.id, second.id);
    await client.cart.add.mutate({ productId: first.id, quantity: 2 });
    await client.cart.add.mutate({ productId: second.id, quantity: 1 });
    expect(await client.account.viewer.query()).toEqual({ role: "USER", cartCount: 2 });
  });

  it("tells an admin apart, so the header can show the admin link", async () => {
    const admin = await createUser(db, { role: "ADMIN" });
    userIds.push(admin.id);
    const client = createTestClient(server.url, { cookie: await sessionCookieFor(admin) });
    expect(await client.account.viewer.query()).toEqual({ role: "ADMIN", cartCount: 0 });
  });
});
