import type { TRPCClientError } from "@trpc/client";
import type { inferRouterInputs } from "@trpc/server";
import { describe, expect, it } from "vitest";

import type { AppRouter } from "~/server/api/root.ts";
import { db } from "~/server/db.ts";
import { getSelectedCartLines } from "~/server/domain/cart/get-selected-cart-lines.ts";
import { MAX_QUANTITY_PER_ORDER } from "~/server/domain/input-rules.ts";
import { setupApiTest, trpcErrorOf } from "~/server/testing/api-test.ts";
import { createTestClient, sessionCookieFor } from "~/server/testing/http.ts";

type AddInput = inferRouterInputs<AppRouter>["cart"]["add"];

describe("cart router over HTTP", () => {
  const api = setupApiTest();
  const { signedInClient, product } = api;

  async function quantityInCart(userId: string, productId: number) {
    const line = await db.cartItem.findUnique({ where: { userId_productId: { userId, productId } }, select: { quantity: true } });
    return line?.quantity ?? null;
  }

  it("refuses anonymous callers with UNAUTHORIZED", async () => {
    const anonymous = createTestClient(api.url);
    const { id } = await product();
    for (const call of [() => anonymous.cart.get.query(), () => anonymous.cart.count.query(), () => anonymous.cart.add.mutate({ productId: id, quantity: 1 })]) {
      expect((await trpcErrorOf(call())).data?.code).toBe("UNAUTHORIZED");
    }
    expect(await db.cartItem.count({ where: { productId: id } })).toBe(0);
  });

  it("adds with a quantity, grows the same line on a second add and prices it on the server", async () => {
    const { user, client } = await signedInClient();
    const earbuds = await product({ price: 12_500, stock: 20 });

    const first = await client.cart.add.mutate({ productId: earbuds.id, quantity: 2 });
    const second = await client.cart.add.mutate({ productId: earbuds.id, quantity: 3 });
    expect(second).toEqual({ id: first.id, productId: earbuds.id, quantity: 5 });

    const cart = await client.cart.get.query();
    expect(cart.lines).toHaveLength(1);
    expect(cart.lines[0]).toMatchObject({ id: first.id, quantity: 5, unitPrice: 12_500, lineTotal: 62_500, isSelected: true, issue: null, maxQuantity: MAX_QUANTITY_PER_ORDER });
    expect(cart).toMatchObject({ lineCount: 1, selectedLineCount: 1, selectedQuantity: 5, selectedTotal: 62_500, isAllSelected: true });
    expect(await client.cart.count.query()).toEqual({ count: 1 });
    expect(await quantityInCart(user.id, earbuds.id)).toBe(5);
  });

  it("ignores prices sent by the client and follows the current product price", async () => {
    const { client } = await signedInClient();
    const item = await product({ price: 30_000 });

    // A tampered request: the extra field is not part of the input schema and is stripped before the domain sees it.
    await client.cart.add.mutate({ productId: item.id, quantity: 2, price: 1, unitPrice: 1 } as AddInput);
    expect((await client.cart.get.query()).selectedTotal).toBe(60_000);

    await db.product.update({ where: { id: item.id }, data: { price: 35_000 } });
    const repriced = await client.cart.get.query();
    expect(repriced.lines[0]).toMatchObject({ unitPrice: 35_000, lineTotal: 70_000 });
    expect(repriced.selectedTotal).toBe(70_000);
  });

  it("rejects malformed quantities with BAD_REQUEST and changes nothing", async () => {
    const { user, client } = await signedInClient();
    const item = await product();
    const line = await client.cart.add.mutate({ productId: item.id, quantity: 1 });

    for (const quantity of [0, -1, 1.5, MAX_QUANTITY_PER_ORDER + 1, "2" as unknown as number, Number.NaN]) {
      const addError = await trpcErrorOf(client.cart.add.mutate({ productId: item.id, quantity }));
      expect(addError.data?.code).toBe("BAD_REQUEST");
      expect(addError.data?.zodError?.fieldErrors).toHaveProperty("quantity");
      const updateError = await trpcErrorOf(client.cart.updateQuantity.mutate({ id: line.id, quantity }));
      expect(updateError.data?.code).toBe("BAD_REQUEST");
    }
    const tooMany = await trpcErrorOf(client.cart.add.mutate({ productId: item.id, quantity: MAX_QUANTITY_PER_ORDER + 1 }));
    expect(tooMany.data).toMatchObject({ zodError: { fieldErrors: { quantity: [`한 번에 최대 ${MAX_QUANTITY_PER_ORDER}개까지 주문할 수 있습니다.`] } } });
    expect(await quantityInCart(user.id, item.id)).toBe(1);
  });

  it("refuses quantities above stock or the per-order maximum, counting what is already in the cart", async () => {
    const { user, client } = await signedInClient();
    const scarce = await product({ stock: 3 });
    const plenty = await product({ stock: 100 });

    const aboveStock = await trpcErrorOf(client.cart.add.mutate({ productId: scarce.id, quantity: 4 }));
    expect(aboveStock.data).toMatchObject({ code: "CONFLICT", domainCode: "CONFLICT" });
    expect(aboveStock.message).toContain("최대 3개");
    expect(await quantityInCart(user.id, scarce.id)).toBeNull();

    await client.cart.add.mutate({ productId: scarce.id, quantity: 2 });
    const overflow = await trpcErrorOf(client.cart.add.mutate({ productId: scarce.id, quantity: 2 }));
    expect(overflow.data?.code).toBe("CONFLICT");
    expect(overflow.message).toContain("이미 2개");
    expect(await quantityInCart(user.id, scarce.id)).toBe(2);

    await client.cart.add.mutate({ productId: plenty.id, quantity: MAX_QUANTITY_PER_ORDER - 1 });
    expect((await trpcErrorOf(client.cart.add.mutate({ productId: plenty.id, quantity: 2 }))).data?.code).toBe("CONFLICT");
    expect(await quantityInCart(user.id, plenty.id)).toBe(MAX_QUANTITY_PER_ORDER - 1);
    await client.cart.add.mutate({ productId: plenty.id, quantity: 1 });
    expect(await quantityInCart(user.id, plenty.id)).toBe(MAX_QUANTITY_PER_ORDER);
  });

  it("refuses unknown, discontinued and sold-out products", async () => {
    const { user, client } = await signedInClient();
    const discontinued = await product({ status: "DISCONTINUED" });
    const soldOut = await product({ status: "SOLD_OUT", stock: 0 });
    const emptyShelf = await product({ stock: 0 });

    expect((await trpcErrorOf(client.cart.add.mutate({ productId: 2_000_000_000, quantity: 1 }))).data?.code).toBe("NOT_FOUND");
    expect((await trpcErrorOf(client.cart.add.mutate({ productId: discontinued.id, quantity: 1 }))).data?.code).toBe("NOT_FOUND");
    const soldOutError = await trpcErrorOf(client.cart.add.mutate({ productId: soldOut.id, quantity: 1 }));
    expect(soldOutError.data).toMatchObject({ code: "CONFLICT", domainCode: "SOLD_OUT" });
    expect((await trpcErrorOf(client.cart.add.mutate({ productId: emptyShelf.id, quantity: 1 }))).data?.domainCode).toBe("SOLD_OUT");
    expect(await db.cartItem.count({ where: { userId: user.id } })).toBe(0);
  });

  it("changes a quantity within stock and refuses one above it", async () => {
    const { user, client } = await signedInClient();
    const item = await product({ stock: 4 });
    const line = await client.cart.add.mutate({ productId: item.id, quantity: 1 });

    expect(await client.cart.updateQuantity.mutate({ id: line.id, quantity: 4 })).toEqual({ id: line.id, quantity: 4 });
    expect(await quantityInCart(user.id, item.id)).toBe(4);

    expect((await trpcErrorOf(client.cart.updateQuantity.mutate({ id: line.id, quantity: 5 }))).data?.code).toBe("CONFLICT");
    expect(await quantityInCart(user.id, item.id)).toBe(4);
  });

  it("answers NOT_FOUND for another user's cart line and leaves it untouched", async () => {
    const owner = await signedInClient();
    const intruder = await signedInClient();
    const item = await product();
    const line = await owner.client.cart.add.mutate({ productId: item.id, quantity: 2 });

    const attempts = [
      () => intruder.client.cart.updateQuantity.mutate({ id: line.id, quantity: 5 }),
      () => intruder.client.cart.remove.mutate({ id: line.id }),
      () => intruder.client.cart.setSelected.mutate({ id: line.id, isSelected: false }),
    ];
    for (const attempt of attempts) {
      const error = await trpcErrorOf(attempt());
      expect(error.data?.code).toBe("NOT_FOUND");
      expect(error.data?.httpStatus).toBe(404);
    }
    await intruder.client.cart.setAllSelected.mutate({ isSelected: false });

    expect(await db.cartItem.findUnique({ where: { id: line.id }, select: { quantity: true, isSelected: true } })).toEqual({ quantity: 2, isSelected: true });
    expect((await intruder.client.cart.get.query()).lines).toEqual([]);
  });

  it("removes a line, and a second remove is NOT_FOUND", async () => {
    const { client } = await signedInClient();
    const line = await client.cart.add.mutate({ productId: (await product()).id, quantity: 1 });
    expect(await client.cart.remove.mutate({ id: line.id })).toEqual({ id: line.id });
    expect((await trpcErrorOf(client.cart.remove.mutate({ id: line.id }))).data?.code).toBe("NOT_FOUND");
    expect((await client.cart.get.query()).lineCount).toBe(0);
  });

  it("totals only selected, purchasable lines and flags the rest", async () => {
    const { user, client } = await signedInClient();
    const a = await product({ price: 10_000 });
    const b = await product({ price: 20_000 });
    const willDiscontinue = await product({ price: 40_000 });
    const willSellOut = await product({ price: 80_000 });
    const willShrink = await product({ price: 5_000, stock: 10 });

    const lineA = await client.cart.add.mutate({ productId: a.id, quantity: 1 });
    const lineB = await client.cart.add.mutate({ productId: b.id, quantity: 2 });
    for (const item of [willDiscontinue, willSellOut]) await client.cart.add.mutate({ productId: item.id, quantity: 1 });
    await client.cart.add.mutate({ productId: willShrink.id, quantity: 3 });
    expect((await client.cart.get.query()).selectedTotal).toBe(10_000 + 40_000 + 40_000 + 80_000 + 15_000);

    await db.product.update({ where: { id: willDiscontinue.id }, data: { status: "DISCONTINUED" } });
    await db.product.update({ where: { id: willSellOut.id }, data: { status: "SOLD_OUT", stock: 0 } });
    await db.product.update({ where: { id: willShrink.id }, data: { stock: 2 } });
    await client.cart.setSelected.mutate({ id: lineB.id, isSelected: false });

    const cart = await client.cart.get.query();
    const issues = Object.fromEntries(cart.lines.map((line) => [line.product.id, line.issue]));
    expect(issues).toEqual({ [a.id]: null, [b.id]: null, [willDiscontinue.id]: "DISCONTINUED", [willSellOut.id]: "SOLD_OUT", [willShrink.id]: "INSUFFICIENT_STOCK" });
    expect(cart).toMatchObject({ selectedTotal: 10_000, selectedLineCount: 1, selectedQuantity: 1, isAllSelected: false });

    // An unavailable line can still be removed but not changed.
    const discontinuedLine = cart.lines.find((line) => line.product.id === willDiscontinue.id)!;
    expect((await trpcErrorOf(client.cart.updateQuantity.mutate({ id: discontinuedLine.id, quantity: 2 }))).data?.code).toBe("CONFLICT");

    await client.cart.setAllSelected.mutate({ isSelected: true });
    const reselected = await client.cart.get.query();
    expect(reselected).toMatchObject({ isAllSelected: true, selectedTotal: 10_000 + 40_000 });

    // Checkout sees every ticked line with current data, including the ones it must refuse.
    await client.cart.setSelected.mutate({ id: lineA.id, isSelected: false });
    const selected = await getSelectedCartLines({ db }, user.id);
    expect(selected.map((line) => line.productId).sort()).toEqual([b.id, willDiscontinue.id, willSellOut.id, willShrink.id].sort());
    expect(selected.find((line) => line.productId === b.id)).toEqual({
      cartItemId: lineB.id,
      productId: b.id,
      name: b.name,
      unitPrice: 20_000,
      quantity: 2,
      stock: 10,
      status: "AVAILABLE",
    });
  });

  it("keeps the cart across sessions (a new login sees the same rows)", async () => {
    const { user, client } = await signedInClient();
    const item = await product();
    await client.cart.add.mutate({ productId: item.id, quantity: 2 });
    const nextSession = createTestClient(api.url, { cookie: await sessionCookieFor(user) });
    expect((await nextSession.cart.get.query()).lines.map((line) => [line.product.id, line.quantity])).toEqual([[item.id, 2]]);
  });

  describe("concurrency", () => {
    it("parallel adds of the same product keep one line with every increment", async () => {
      const { user, client } = await signedInClient();
      const item = await product({ stock: 100 });

      const results = await Promise.allSettled(Array.from({ length: MAX_QUANTITY_PER_ORDER }, () => client.cart.add.mutate({ productId: item.id, quantity: 1 })));
      expect(results.filter((result) => result.status === "rejected")).toEqual([]);
      expect(await db.cartItem.findMany({ where: { userId: user.id }, select: { productId: true, quantity: true } })).toEqual([{ productId: item.id, quantity: MAX_QUANTITY_PER_ORDER }]);
    });

    it("parallel adds past the per-order maximum stop exactly at it and refuse the rest", async () => {
      const { user, client } = await signedInClient();
      const item = await product({ stock: 100 });

      const results = await Promise.allSettled(Array.from({ length: 20 }, () => client.cart.add.mutate({ productId: item.id, quantity: 3 })));
      const accepted = results.filter((result) => result.status === "fulfilled");
      const refused = results.filter((result) => result.status === "rejected");
      expect(accepted).toHaveLength(3);
      expect(refused).toHaveLength(17);
      for (const result of refused) expect((result.reason as TRPCClientError<AppRouter>).data?.code).toBe("CONFLICT");
      expect(await db.cartItem.count({ where: { userId: user.id } })).toBe(1);
      expect(await quantityInCart(user.id, item.id)).toBe(9);
    });

    it("twenty parallel adds of one stop at the per-order maximum", async () => {
      const { user, client } = await signedInClient();
      const item = await product({ stock: 100 });

      const results = await Promise.allSettled(Array.from({ length: 20 }, () => client.cart.add.mutate({ productId: item.id, quantity: 1 })));
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(MAX_QUANTITY_PER_ORDER);
      expect(await db.cartItem.findMany({ where: { userId: user.id }, select: { quantity: true } })).toEqual([{ quantity: MAX_QUANTITY_PER_ORDER }]);
    });

    it("parallel adds past the stock stop at the stock", async () => {
      const { user, client } = await signedInClient();
      const item = await product({ stock: 4 });

      const results = await Promise.allSettled(Array.from({ length: 12 }, () => client.cart.add.mutate({ productId: item.id, quantity: 1 })));
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(4);
      expect(await quantityInCart(user.id, item.id)).toBe(4);
    });

    it("parallel adds from two users never mix their lines", async () => {
      const first = await signedInClient();
      const second = await signedInClient();
      const item = await product({ stock: 100 });

      await Promise.all(
        Array.from({ length: 8 }, (_, index) => (index % 2 === 0 ? first : second).client.cart.add.mutate({ productId: item.id, quantity: 2 })),
      );
      expect(await quantityInCart(first.user.id, item.id)).toBe(8);
      expect(await quantityInCart(second.user.id, item.id)).toBe(8);
    });
  });
});
