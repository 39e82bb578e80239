import { describe, expect, it } from "vitest";

import { db } from "~/server/db.ts";
import { MAX_QUANTITY_PER_ORDER } from "~/server/domain/input-rules.ts";
import { setupApiTest, trpcErrorOf } from "~/server/testing/api-test.ts";
import { createTestClient } from "~/server/testing/http.ts";

describe("wishlist router over HTTP", () => {
  const api = setupApiTest();
  const { signedInClient, product } = api;

  function wishlistRows(userId: string) {
    return db.wishlistItem.findMany({ where: { userId }, select: { productId: true } }).then((rows) => rows.map((row) => row.productId));
  }

  it("refuses anonymous callers with UNAUTHORIZED", async () => {
    const anonymous = createTestClient(api.url);
    const { id } = await product();
    const calls = [
      () => anonymous.wishlist.list.query(),
      () => anonymous.wishlist.toggle.mutate({ productId: id }),
      () => anonymous.wishlist.moveToCart.mutate({ productId: id }),
    ];
    for (const call of calls) {
      expect((await trpcErrorOf(call())).data?.code).toBe("UNAUTHORIZED");
    }
  });

  it("adds and removes idempotently, also under parallel double clicks", async () => {
    const { user, client } = await signedInClient();
    const item = await product();

    await Promise.all(Array.from({ length: 6 }, () => client.wishlist.add.mutate({ productId: item.id })));
    expect(await client.wishlist.add.mutate({ productId: item.id })).toEqual({ productId: item.id, isWishlisted: true });
    expect(await wishlistRows(user.id)).toEqual([item.id]);

    expect(await client.wishlist.remove.mutate({ productId: item.id })).toEqual({ productId: item.id, isWishlisted: false });
    expect(await client.wishlist.remove.mutate({ productId: item.id })).toEqual({ productId: item.id, isWishlisted: false });
    expect(await wishlistRows(user.id)).toEqual([]);
  });

  it("toggles, and lists newest first with product card data", async () => {
    const { client } = await signedInClient();
    const older = await product({ price: 11_000 });
    const newer = await product({ price: 22_000, status: "SOLD_OUT", stock: 0 });

    expect(await client.wishlist.toggle.mutate({ productId: older.id })).toMatchObject({ isWishlisted: true });
    expect(await client.wishlist.toggle.mutate({ productId: newer.id })).toMatchObject({ isWishlisted: true });
    const list = await client.wishlist.list.query();
    expect(list.productIds).toEqual([newer.id, older.id]);
    expect(list.items[0]!.product).toMatchObject({ id: newer.id, name: newer.name, price: 22_000, status: "SOLD_OUT" });

    expect(await client.wishlist.toggle.mutate({ productId: older.id })).toMatchObject({ isWishlisted: false });
    expect((await client.wishlist.list.query()).productIds).toEqual([newer.id]);
  });

  it("refuses unknown and discontinued products", async () => {
    const { user, client } = await signedInClient();
    const discontinued = await product({ status: "DISCONTINUED" });
    expect((await trpcErrorOf(client.wishlist.add.mutate({ productId: 2_000_000_000 }))).data?.code).toBe("NOT_FOUND");
    expect((await trpcErrorOf(client.wishlist.toggle.mutate({ productId: discontinued.id }))).data?.code).toBe("NOT_FOUND");
    expect((await trpcErrorOf(client.wishlist.add.mutate({ productId: -1 }))).data?.code).toBe("BAD_REQUEST");
    expect(await wishlistRows(user.id)).toEqual([]);
  });

  it("keeps each user's hearts apart", async () => {
    const first = await signedInClient();
    const second = await signedInClient();
    const item = await product();
    await first.client.wishlist.add.mutate({ productId: item.id });

    expect((await second.client.wishlist.list.query()).items).toEqual([]);
    await second.client.wishlist.remove.mutate({ productId: item.id });
    expect((await trpcErrorOf(second.client.wishlist.moveToCart.mutate({ productId: item.id }))).data?.code).toBe("NOT_FOUND");
    expect(await wishlistRows(first.user.id)).toEqual([item.id]);
  });

  it("moves a product to the cart: removed from the wishlist, one more in the cart", async () => {
    const { user, client } = await signedInClient();
    const item = await product();
    await client.wishlist.add.mutate({ productId: item.id });
    await client.cart.add.mutate({ productId: item.id, quantity: 2 });

    const moved = await client.wishlist.moveToCart.mutate({ productId: item.id });
    expect(moved).toMatchObject({ productId: item.id, quantity: 3 });
    expect(await wishlistRows(user.id)).toEqual([]);
    expect((await client.cart.get.query()).lines.map((line) => [line.product.id, line.quantity])).toEqual([[item.id, 3]]);
  });

  it("moves once under a double click", async () => {
    const { user, client } = await signedInClient();
    const item = await product();
    await client.wishlist.add.mutate({ productId: item.id });

    const results = await Promise.allSettled([0, 1, 2].map(() => client.wishlist.moveToCart.mutate({ productId: item.id })));
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(await db.cartItem.findMany({ where: { userId: user.id }, select: { quantity: true } })).toEqual([{ quantity: 1 }]);
  });

  it("keeps the heart when the cart refuses the move", async () => {
    const { user, client } = await signedInClient();
    const full = await product({ stock: 100 });
    const soldOut = await product({ stock: 5 });
    await client.cart.add.mutate({ productId: full.id, quantity: MAX_QUANTITY_PER_ORDER });
    await client.wishlist.add.mutate({ productId: full.id });
    await client.wishlist.add.mutate({ productId: soldOut.id });
    await db.product.update({ where: { id: soldOut.id }, data: { status: "SOLD_OUT", stock: 0 } });
    const before = await client.wishlist.list.query();

    expect((await trpcErrorOf(client.wishlist.moveToCart.mutate({ productId: full.id }))).data?.code).toBe("CONFLICT");
    expect((await trpcErrorOf(client.wishlist.moveToCart.mutate({ productId: soldOut.id }))).data?.domainCode).toBe("SOLD_OUT");

    expect(await client.wishlist.list.query()).toEqual(before);
    expect(await db.cartItem.findMany({ where: { userId: user.id }, select: { productId: true, quantity: true } })).toEqual([{ productId: full.id, quantity: MAX_QUANTITY_PER_ORDER }]);
  });
});
