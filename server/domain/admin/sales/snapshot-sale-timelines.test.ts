import { afterAll, describe, expect, it } from "vitest";

import { fixedClock } from "~/server/clock.ts";
import { db } from "~/server/db.ts";
import { getSaleReportData } from "~/server/domain/admin/sales/get-sale-report.ts";
import {
  REDIS_TIMELINE_RETENTION_MS,
  listSalesToSnapshot,
  snapshotSaleTimeline,
  snapshotSaleTimelines,
} from "~/server/domain/admin/sales/snapshot-sale-timelines.ts";
import { dueOperations } from "~/server/domain/due-work/due-operations.ts";
import { saleKeys, timelineKey } from "~/server/domain/sales/keys.ts";
import { redis } from "~/server/redis.ts";
import { createFlashSale } from "~/server/testing/factories.ts";
import { deleteSaleCompletely } from "~/server/testing/sales.ts";

// A minute boundary far from other tests' clocks.
const NOW = new Date("2235-07-01T05:30:00.000Z");
const MINUTE = Math.floor(NOW.getTime() / 60_000);
const saleIds: number[] = [];

afterAll(async () => {
  for (const saleId of saleIds) {
    for (let minute = MINUTE - 130; minute <= MINUTE; minute += 1) await redis.del(timelineKey(saleKeys(saleId), minute));
    await deleteSaleCompletely({ db, redis }, saleId);
  }
});

async function newSale(state: "SCHEDULED" | "OPEN" | "CLOSED", overrides: { closesAt?: Date } = {}) {
  const sale = await createFlashSale(db, { opensAt: new Date(NOW.getTime() - 3_600_000), state, ...overrides });
  saleIds.push(sale.id);
  return sale;
}

/** Writes counters the way the reservation script does: `a<sec>`/`w<sec>` in the minute's hash. */
async function recordTraffic(saleId: number, minute: number, fields: Record<string, number>) {
  await redis.hset(timelineKey(saleKeys(saleId), minute), fields);
}

function storedRows(saleId: number) {
  return db.saleSecondStat.findMany({ where: { saleId }, orderBy: { second: "asc" }, select: { second: true, attempts: true, wins: true } });
}

describe("snapshot-sale-timelines", () => {
  it("copies busy seconds into MySQL and is idempotent: running again changes nothing", async () => {
    const clock = fixedClock(NOW);
    const sale = await newSale("OPEN");
    await recordTraffic(sale.id, MINUTE - 1, { a5: 120, w5: 7, a6: 30 });
    await recordTraffic(sale.id, MINUTE - 90, { a0: 2 });

    // The first snapshot of a sale reads Redis's whole retention, so traffic from 90 minutes ago is kept too.
    expect(await snapshotSaleTimeline({ db, redis, clock }, { saleId: sale.id })).toEqual({ rows: 3 });
    const first = await storedRows(sale.id);
    expect(first).toEqual([
      { second: new Date((MINUTE - 90) * 60_000), attempts: 2, wins: 0 },
      { second: new Date((MINUTE - 1) * 60_000 + 5_000), attempts: 120, wins: 7 },
      { second: new Date((MINUTE - 1) * 60_000 + 6_000), attempts: 30, wins: 0 },
    ]);

    await snapshotSaleTimeline({ db, redis, clock }, { saleId: sale.id });
    await snapshotSaleTimeline({ db, redis, clock }, { saleId: sale.id });
    expect(await storedRows(sale.id)).toEqual(first);
  });

  it("raises counts that grew, and never lowers or deletes what was saved when Redis loses it", async () => {
    const clock = fixedClock(NOW);
    const sale = await newSale("OPEN");
    await recordTraffic(sale.id, MINUTE, { a0: 10, w0: 1 });
    await snapshotSaleTimeline({ db, redis, clock }, { saleId: sale.id });

    clock.advance(30_000);
    await recordTraffic(sale.id, MINUTE, { a0: 15, w0: 2, a20: 4 });
    await snapshotSaleTimeline({ db, redis, clock }, { saleId: sale.id });
    expect(await storedRows(sale.id)).toEqual([
      { second: NOW, attempts: 15, wins: 2 },
      { second: new Date(NOW.getTime() + 20_000), attempts: 4, wins: 0 },
    ]);

    await redis.del(timelineKey(saleKeys(sale.id), MINUTE));
    await snapshotSaleTimeline({ db, redis, clock }, { saleId: sale.id });
    expect(await storedRows(sale.id)).toHaveLength(2);
  });

  it("lets the sale report count seconds the snapshot has not copied yet, without writing them", async () => {
    const clock = fixedClock(NOW);
    const sale = await newSale("OPEN");
    await recordTraffic(sale.id, MINUTE, { a0: 10, w0: 1 });
    await snapshotSaleTimeline({ db, redis, clock }, { saleId: sale.id });
    clock.advance(30_000);
    await recordTraffic(sale.id, MINUTE, { a0: 15, w0: 2, a20: 4 });

    const report = await getSaleReportData({ db, redis, clock }, { id: sale.id });
    expect(report.rows).toEqual([
      { second: NOW, attempts: 15, wins: 2 },
      { second: new Date(NOW.getTime() + 20_000), attempts: 4, wins: 0 },
    ]);
    // MySQL still holds what the last snapshot wrote: opening a report is a read.
    expect(await storedRows(sale.id)).toEqual([{ second: NOW, attempts: 10, wins: 1 }]);
  });

  it("snapshots live sales and ones that ended within Redis's retention, not scheduled or long-closed ones", async () => {
    const clock = fixedClock(NOW);
    const open = await newSale("OPEN");
    const justClosed = await newSale("CLOSED", { closesAt: new Date(NOW.getTime() - 30 * 60_000) });
    const scheduled = await newSale("SCHEDULED");
    const longClosed = await newSale("CLOSED", { closesAt: new Date(NOW.getTime() - REDIS_TIMELINE_RETENTION_MS - 60_000) });
    // updatedAt is the wall clock (2026), far before NOW: only closesAt can make longClosed look recent, and it does not.
    const listed = await listSalesToSnapshot({ db, clock });
    expect(listed).toEqual(expect.arrayContaining([open.id, justClosed.id]));
    expect(listed).not.toContain(scheduled.id);
    expect(listed).not.toContain(longClosed.id);

    await recordTraffic(justClosed.id, MINUTE - 31, { a1: 9, w1: 3 });
    const result = await snapshotSaleTimelines({ db, redis, clock });
    expect(result.processed).toBeGreaterThanOrEqual(1);
    expect(await storedRows(justClosed.id)).toEqual([{ second: new Date((MINUTE - 31) * 60_000 + 1_000), attempts: 9, wins: 3 }]);
  });

  it("is registered as a due operation", () => {
    expect(Object.keys(dueOperations)).toContain("snapshot-sale-timelines");
  });
});
