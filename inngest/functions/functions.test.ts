import { InngestTestEngine } from "@inngest/test";
import { afterAll, describe, expect, it } from "vitest";

import { openSaleAtTime } from "~/inngest/functions/open-sale-at-time.ts";
import { runDueWork } from "~/inngest/functions/run-due-work.ts";
import { warmUpSale } from "~/inngest/functions/warm-up-sale.ts";
import { dueOperationNames } from "~/server/domain/due-work/due-operations.ts";
import { db } from "~/server/db.ts";
import { createProduct } from "~/server/testing/factories.ts";

describe("Inngest functions", () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const undo of cleanup.reverse()) await undo();
  });

  it("open-sale-at-time sleeps until the open time, then opens the sale", async () => {
    const product = await createProduct(db);
    const opensAt = new Date(Date.now() - 1_000);
    const sale = await db.sale.create({ data: { productId: product.id, salePrice: 1_000, quantity: 3, opensAt } });
    cleanup.push(() => db.product.delete({ where: { id: product.id } }), () => db.sale.delete({ where: { id: sale.id } }), () => db.outboxEvent.deleteMany({ where: { name: "shop/sale.opened" } }));

    const engine = new InngestTestEngine({ function: openSaleAtTime });
    const { result, ctx } = await engine.execute({
      events: [{ name: "shop/sale.scheduled", data: { saleId: sale.id, opensAt: opensAt.toISOString() } }],
      // The engine does not really sleep: the mocked step stands for "the open time has come".
      steps: [{ id: "wait for the open time", handler() {} }],
    });

    expect(ctx.step.sleepUntil).toHaveBeenCalledWith("wait for the open time", opensAt);
    expect(result).toMatchObject({ opened: expect.any(Number) });
    expect((await db.sale.findUniqueOrThrow({ where: { id: sale.id } })).state).toBe("OPEN");
  });

  it("run-due-work runs each due operation as its own step", async () => {
    const engine = new InngestTestEngine({ function: runDueWork });
    const { result, ctx } = await engine.execute({ events: [{ name: "shop/due-work.requested", data: { reason: "test" } }] });

    expect(ctx.step.run).toHaveBeenCalledWith("run open-due-sales", expect.any(Function));
    expect(ctx.step.run).toHaveBeenCalledWith("run relay-outbox", expect.any(Function));
    // Every registered operation, whoever added it, reports its processed count.
    expect(result).toEqual(Object.fromEntries(dueOperationNames.map((name) => [name, expect.any(Number)])));
  });

  // Subscribers are mailed before the open by remind-sale-subscribers (server/domain/sales/notify-subscribers.test.ts
  // proves the open adds no second mail); warm-up-sale only prepares Redis.
  it("warm-up-sale loads the sale into Redis", async () => {
    const { createFlashSale } = await import("~/server/testing/factories.ts");
    const { redis } = await import("~/server/redis.ts");
    const { saleKeys } = await import("~/server/domain/sales/keys.ts");
    const sale = await createFlashSale(db, { opensAt: new Date(Date.now() - 1_000), quantity: 4 });
    const keys = saleKeys(sale.id);
    await redis.del(keys.meta);

    const engine = new InngestTestEngine({ function: warmUpSale });
    const { result } = await engine.execute({ events: [{ name: "shop/sale.opened", data: { saleId: sale.id } }] });

    expect(result).toEqual({ saleId: sale.id, drift: 0 });
    expect(await redis.hget(keys.meta, "quantity")).toBe(4);
  });
});
