import { afterEach, describe, expect, it } from "vitest";

import { createApp } from "~/server/app.ts";
import { fixedClock } from "~/server/clock.ts";
import { createPrismaClient } from "~/server/db.ts";
import { dueOperationNames } from "~/server/domain/due-work/due-operations.ts";
import { createLocalDispatcher } from "~/server/domain/due-work/local-event-handlers.ts";
import { runDueWorkOnce, startDueWorkRunnerIfNeeded } from "~/server/due-work/runner.ts";
import { redisKey } from "~/server/redis-keys.ts";
import { redis } from "~/server/redis.ts";
import { createScratchDatabase } from "~/server/testing/db-url.ts";
import { createProduct } from "~/server/testing/factories.ts";

describe("in-process due-work runner", () => {
  let stop: (() => void) | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    stop?.();
    await cleanup?.();
    cleanup = undefined;
  });

  it("starts at most once per process", () => {
    const first = startDueWorkRunnerIfNeeded({ intervalMs: 60_000 });
    const second = startDueWorkRunnerIfNeeded({ intervalMs: 60_000 });
    expect(first).toBeDefined();
    expect(second).toBe(first);
    stop = () => first?.stop();
  });

  it("runs every due operation: a due sale opens and its event is relayed to the local consumer", async () => {
    // Its own database: a sweep acts on everything due, and the shared one holds other files' leftovers.
    const scratch = await createScratchDatabase(process.env.DATABASE_URL!, "runner");
    const db = createPrismaClient(scratch.databaseUrl, 2);
    cleanup = async () => {
      await db.$disconnect();
      await scratch.drop();
    };
    const product = await createProduct(db);
    const opensAt = new Date("2032-05-05T00:00:00Z");
    const sale = await db.sale.create({ data: { productId: product.id, salePrice: 1_000, quantity: 3, opensAt } });
    const consumed: unknown[] = [];
    const deps = {
      ...createApp({ db, redis, clock: fixedClock(opensAt) }),
      dispatch: createLocalDispatcher({ "shop/sale.opened": async (message) => void consumed.push(message.payload) }),
    };

    const results = await runDueWorkOnce(deps);

    expect(results["open-due-sales"]).toMatchObject({ opened: 1 });
    expect((await db.sale.findUniqueOrThrow({ where: { id: sale.id } })).state).toBe("OPEN");
    expect(consumed).toContainEqual({ saleId: sale.id });

    // A second instance sweeping at the same moment finds the lease taken and does nothing.
    const lease = await runDueWorkOnce(deps, { leaseMs: 5_000, owner: "a" });
    const contended = await runDueWorkOnce(deps, { leaseMs: 5_000, owner: "b" });
    expect(lease["open-due-sales"]).not.toHaveProperty("skipped");
    expect(contended["open-due-sales"]).toEqual({ skipped: true });
  });

  it("runs each operation on exactly one of several instances sweeping at the same moment", async () => {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL!, "runnerrace");
    const db = createPrismaClient(scratch.databaseUrl, 6);
    cleanup = async () => {
      await db.$disconnect();
      await scratch.drop();
    };
    // The leases live in the shared Redis: clear the ones an earlier sweep in this file may still hold.
    await redis.del(...dueOperationNames.map((name) => redisKey("due-work", "lease", name)));
    const deps = { ...createApp({ db, redis, clock: fixedClock(new Date("2032-05-05T00:00:00Z")) }), dispatch: createLocalDispatcher({}) };

    const sweeps = await Promise.all(["app-1", "app-2", "app-3"].map((owner) => runDueWorkOnce(deps, { leaseMs: 5_000, owner })));

    for (const name of dueOperationNames) {
      const ran = sweeps.filter((results) => !("skipped" in (results[name] ?? { skipped: true })));
      expect(ran, name).toHaveLength(1);
    }
  });
});
