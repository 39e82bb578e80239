import { describe, expect, it } from "vitest";

import { createApp } from "~/server/app.ts";
import { fixedClock } from "~/server/clock.ts";
import { configFromEnv } from "~/server/config.ts";
import { db } from "~/server/db.ts";
import { issueRestockUnsubscribeToken, RESTOCK_UNSUBSCRIBE_TOKEN_TTL_MS } from "~/server/domain/restock/unsubscribe-token.ts";
import { saleKeys } from "~/server/domain/sales/keys.ts";
import { readSaleStatus } from "~/server/domain/sales/sale-state.ts";
import { redis } from "~/server/redis.ts";
import { setupApiTest, trpcErrorOf } from "~/server/testing/api-test.ts";
import { createFlashSale, createOrder } from "~/server/testing/factories.ts";
import { createTestClient } from "~/server/testing/http.ts";
import { deleteSaleCompletely } from "~/server/testing/sales.ts";

const NOW = new Date("2032-03-01T03:00:00.000Z");
const clock = fixedClock(NOW);
const secret = configFromEnv().authSecret;

describe("restock router over HTTP", () => {
  const api = setupApiTest({ deps: createApp({ clock }) });
  const { signedInClient, product } = api;

  const soldOut = () => product({ stock: 0, status: "SOLD_OUT" });

  it("answers anonymous callers: status says signed out, the rest is UNAUTHORIZED", async () => {
    const anonymous = createTestClient(api.url);
    const { id } = await soldOut();
    expect(await anonymous.restock.status.query({ productId: id })).toEqual({ isSignedIn: false, isSubscribed: false });
    for (const call of [() => anonymous.restock.subscribe.mutate({ productId: id }), () => anonymous.restock.cancel.mutate({ productId: id }), () => anonymous.restock.list.query()]) {
      expect((await trpcErrorOf(call())).data?.code).toBe("UNAUTHORIZED");
    }
  });

  it("subscribes, shows, lists and cancels the caller's own alert", async () => {
    const { user, client } = await signedInClient();
    const other = await signedInClient();
    const item = await soldOut();

    await Promise.all(Array.from({ length: 4 }, () => client.restock.subscribe.mutate({ productId: item.id })));
    expect(await db.restockSubscription.count({ where: { userId: user.id, productId: item.id } })).toBe(1);
    expect(await client.restock.status.query({ productId: item.id })).toEqual({ isSignedIn: true, isSubscribed: true });
    expect(await other.client.restock.status.query({ productId: item.id })).toEqual({ isSignedIn: true, isSubscribed: false });
    expect(await client.restock.list.query()).toEqual([expect.objectContaining({ productName: item.name, path: `/products/${item.id}`, isSale: false })]);
    expect(await other.client.restock.list.query()).toEqual([]);

    // Another user's cancel touches only their own (absent) alert.
    await other.client.restock.cancel.mutate({ productId: item.id });
    expect(await client.restock.status.query({ productId: item.id })).toMatchObject({ isSubscribed: true });
    expect(await client.restock.cancel.mutate({ productId: item.id })).toEqual({ isSubscribed: false });
    expect(await client.restock.status.query({ productId: item.id })).toMatchObject({ isSubscribed: false });
    expect(await client.restock.list.query()).toEqual([]);

    // Asking again re-arms the same alert.
    await client.restock.subscribe.mutate({ productId: item.id });
    expect(await client.restock.status.query({ productId: item.id })).toMatchObject({ isSubscribed: true });
  });

  it("refuses bad input with BAD_REQUEST and Korean messages, unknown targets with NOT_FOUND", async () => {
    const { client } = await signedInClient();
    const inStock = await product({ stock: 4, status: "AVAILABLE" });
    const discontinued = await product({ stock: 0, status: "DISCONTINUED" });

    const both = await trpcErrorOf(client.restock.subscribe.mutate({ productId: inStock.id, saleId: 1 }));
    expect(both.data?.code).toBe("BAD_REQUEST");
    expect(both.message).toContain("상품 또는 세일 중 하나를 골라 주세요.");
    expect((await trpcErrorOf(client.restock.subscribe.mutate({}))).data?.code).toBe("BAD_REQUEST");
    expect((await trpcErrorOf(client.restock.subscribe.mutate({ productId: -3 }))).data?.code).toBe("BAD_REQUEST");
    expect((await trpcErrorOf(client.restock.status.query({ productId: 1.5 }))).data?.code).toBe("BAD_REQUEST");

    const buyable = await trpcErrorOf(client.restock.subscribe.mutate({ productId: inStock.id }));
    expect(buyable.data?.code).toBe("BAD_REQUEST");
    expect(buyable.message).toBe("지금 구매할 수 있는 상품입니다. 재입고 알림은 품절일 때만 신청할 수 있습니다.");
    expect((await trpcErrorOf(client.restock.subscribe.mutate({ productId: discontinued.id }))).data?.code).toBe("NOT_FOUND");
    expect((await trpcErrorOf(client.restock.subscribe.mutate({ productId: 2_000_000_000 }))).data?.code).toBe("NOT_FOUND");
  });

  it("takes sale alerts only while every unit of a live sale is sold or held", async () => {
    const { user, client } = await signedInClient();
    const sale = await createFlashSale(db, { opensAt: new Date(NOW.getTime() - 60_000), quantity: 1, state: "OPEN" });
    try {
      const refused = await trpcErrorOf(client.restock.subscribe.mutate({ saleId: sale.id }));
      expect(refused.data?.code).toBe("BAD_REQUEST");
      expect(refused.message).toContain("지금 구매할 수 있는 수량이 있습니다");

      await createOrder(db, { userId: user.id, productId: sale.productId, saleId: sale.id, paymentDueAt: new Date(NOW.getTime() + 5 * 60_000) });
      // The hold was written straight to MySQL: drop the sale's Redis state so it is rebuilt with the hold in it.
      await redis.del(saleKeys(sale.id).meta);
      expect(await readSaleStatus(createApp({ db, redis, clock }), sale.id)).toMatchObject({ held: 1, available: 0 });
      expect(await client.restock.subscribe.mutate({ saleId: sale.id })).toEqual({ isSubscribed: true });
      expect(await client.restock.status.query({ saleId: sale.id })).toMatchObject({ isSubscribed: true });

      const upcoming = await createFlashSale(db, { opensAt: new Date(NOW.getTime() + 3_600_000), quantity: 1 });
      try {
        expect((await trpcErrorOf(client.restock.subscribe.mutate({ saleId: upcoming.id }))).data?.code).toBe("PRECONDITION_FAILED");
      } finally {
        await deleteSaleCompletely({ db, redis }, upcoming.id);
      }
    } finally {
      await db.restockSubscription.deleteMany({ where: { saleId: sale.id } });
      await deleteSaleCompletely({ db, redis }, sale.id);
    }
  });

  it("unsubscribes signed out with the mail's token; forged and expired tokens are refused", async () => {
    const { user, client } = await signedInClient();
    const item = await soldOut();
    await client.restock.subscribe.mutate({ productId: item.id });
    const alert = await db.restockSubscription.findFirstOrThrow({ where: { userId: user.id, productId: item.id } });
    const anonymous = createTestClient(api.url);

    const token = issueRestockUnsubscribeToken(secret, alert.id, NOW.getTime());
    const forged = issueRestockUnsubscribeToken("not the app's secret at all", alert.id, NOW.getTime());
    const otherId = token.replace(`r1.${alert.id}.`, `r1.${alert.id + 1}.`);
    for (const bad of [forged, otherId, "r1.1.2.abc", "garbage"]) {
      const error = await trpcErrorOf(anonymous.restock.unsubscribe.mutate({ token: bad }));
      expect(error.data?.code).toBe("BAD_REQUEST");
      expect(error.message).toBe("알림 해지 링크가 올바르지 않습니다.");
    }
    const expired = issueRestockUnsubscribeToken(secret, alert.id, NOW.getTime() - RESTOCK_UNSUBSCRIBE_TOKEN_TTL_MS - 1);
    expect((await trpcErrorOf(anonymous.restock.unsubscribe.mutate({ token: expired }))).message).toContain("유효 기간이 지났습니다");
    expect(await client.restock.status.query({ productId: item.id })).toMatchObject({ isSubscribed: true });

    const done = { productName: item.name, path: `/products/${item.id}`, isUnsubscribed: true };
    expect(await anonymous.restock.unsubscribe.mutate({ token })).toEqual(done);
    expect(await anonymous.restock.unsubscribe.mutate({ token })).toEqual(done);
    expect(await client.restock.status.query({ productId: item.id })).toMatchObject({ isSubscribed: false });
  });
});
