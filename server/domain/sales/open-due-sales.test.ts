import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { fixedClock } from "~/server/clock.ts";
import { db } from "~/server/db.ts";
import { saleChangedTags } from "~/server/domain/public-pages.ts";
import { openDueSales } from "~/server/domain/sales/open-due-sales.ts";
import { createProduct } from "~/server/testing/factories.ts";

describe("openDueSales", () => {
  const opensAt = new Date("2031-03-01T03:00:00.000Z");
  let productId: number;
  const saleIds: number[] = [];

  beforeAll(async () => {
    productId = (await createProduct(db)).id;
  });

  afterAll(async () => {
    await db.outboxEvent.deleteMany({ where: { name: "shop/sale.opened" } });
    await db.sale.deleteMany({ where: { id: { in: saleIds } } });
    await db.product.delete({ where: { id: productId } });
  });

  async function createSale(data: { opensAt: Date; closesAt?: Date; state?: "SCHEDULED" | "OPEN" | "PAUSED" }) {
    const sale = await db.sale.create({ data: { productId, salePrice: 5_000, quantity: 10, ...data } });
    saleIds.push(sale.id);
    return sale;
  }

  // What the runs told the page caches to drop; other tests' sales may be swept too, so each check filters by sale.
  const invalidated: string[][] = [];
  const depsAt = (clock: ReturnType<typeof fixedClock>) => ({ db, clock, invalidatePublicPages: (tags: readonly string[]) => void invalidated.push([...tags]) });
  const droppedFor = (saleId: number) => invalidated.filter((tags) => tags.includes(`sale:${saleId}`));

  function openedEventsFor(saleId: number) {
    return db.outboxEvent.findMany({ where: { name: "shop/sale.opened", payload: { equals: { saleId } } } });
  }

  it("leaves a sale scheduled before its open time and opens it once at the open time, however many runs race", async () => {
    const sale = await createSale({ opensAt });
    const clock = fixedClock(opensAt.getTime() - 1);

    await openDueSales(depsAt(clock));
    expect((await db.sale.findUniqueOrThrow({ where: { id: sale.id } })).state).toBe("SCHEDULED");
    expect(droppedFor(sale.id)).toEqual([]);

    clock.set(opensAt);
    const results = await Promise.all(Array.from({ length: 8 }, () => openDueSales(depsAt(clock))));
    expect((await db.sale.findUniqueOrThrow({ where: { id: sale.id } })).state).toBe("OPEN");
    expect(results.reduce((sum, result) => sum + result.opened, 0)).toBeGreaterThanOrEqual(1);
    expect(await openedEventsFor(sale.id)).toHaveLength(1);
    // Its cached pages are dropped once, by the run that opened it.
    expect(droppedFor(sale.id)).toEqual([saleChangedTags(sale.id)]);
  });

  it("closes open and paused sales at their close time and never opens a sale whose window has passed", async () => {
    const closesAt = new Date(opensAt.getTime() + 60 * 60_000);
    const open = await createSale({ opensAt, closesAt, state: "OPEN" });
    const paused = await createSale({ opensAt, closesAt, state: "PAUSED" });
    const missed = await createSale({ opensAt, closesAt });
    const clock = fixedClock(closesAt);

    await Promise.all(Array.from({ length: 4 }, () => openDueSales(depsAt(clock))));

    const states = await db.sale.findMany({ where: { id: { in: [open.id, paused.id, missed.id] } }, select: { id: true, state: true } });
    expect(states.every((sale) => sale.state === "CLOSED")).toBe(true);
    expect(await openedEventsFor(missed.id)).toHaveLength(0);
    for (const sale of [open, paused, missed]) expect(droppedFor(sale.id)).toEqual([saleChangedTags(sale.id)]);
  });
});
