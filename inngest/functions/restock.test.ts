import { InngestTestEngine } from "@inngest/test";
import { afterAll, describe, expect, it } from "vitest";

import { restockFunction } from "~/inngest/functions/restock.ts";
import { db } from "~/server/db.ts";
import { createProduct, createUser } from "~/server/testing/factories.ts";
import { deleteUsersWithOrders } from "~/server/testing/orders.ts";
import { restockMailsTo } from "~/server/testing/restock.ts";

describe("restock Inngest function", () => {
  const userIds: string[] = [];
  const productIds: number[] = [];

  afterAll(async () => {
    await deleteUsersWithOrders(db, userIds);
    await db.product.deleteMany({ where: { id: { in: productIds } } });
  });

  it("mails each subscriber of what came back once, in batch steps, and a re-run mails nobody again", async () => {
    const product = await createProduct(db, { stock: 2, status: "AVAILABLE" });
    productIds.push(product.id);
    const users = await Promise.all([createUser(db), createUser(db)]);
    userIds.push(...users.map((user) => user.id));
    await db.restockSubscription.createMany({ data: users.map((user) => ({ userId: user.id, productId: product.id })) });

    const event = { name: "shop/product.restocked" as const, data: { restockId: crypto.randomUUID(), productId: product.id } };
    const first = await new InngestTestEngine({ function: restockFunction }).execute({ events: [event] });
    expect(first.ctx.step.run).toHaveBeenCalledWith("mail restock subscribers, batch 1", expect.any(Function));
    expect(first.result).toEqual({ restockId: event.data.restockId, sent: 2, isGone: false });

    const again = await new InngestTestEngine({ function: restockFunction }).execute({ events: [event] });
    expect(again.result).toEqual({ restockId: event.data.restockId, sent: 0, isGone: false });
    const mails = await restockMailsTo(db, users.map((user) => user.email));
    expect(mails.map((mail) => mail.toAddress).sort()).toEqual(users.map((user) => user.email).sort());
  });

  it("mails nobody when the product is sold out again by the time it runs", async () => {
    const product = await createProduct(db, { stock: 0, status: "SOLD_OUT" });
    productIds.push(product.id);
    const user = await createUser(db);
    userIds.push(user.id);
    await db.restockSubscription.create({ data: { userId: user.id, productId: product.id } });

    const { result } = await new InngestTestEngine({ function: restockFunction }).execute({
      events: [{ name: "shop/product.restocked", data: { restockId: crypto.randomUUID(), productId: product.id } }],
    });
    expect(result).toMatchObject({ sent: 0, isGone: true });
    expect(await restockMailsTo(db, [user.email])).toEqual([]);
  });
});
