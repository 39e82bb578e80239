import { afterAll, describe, expect, it } from "vitest";

import { createApp } from "~/server/app.ts";
import { fixedClock } from "~/server/clock.ts";
import { configFromEnv } from "~/server/config.ts";
import { db } from "~/server/db.ts";
import { cancelOrder } from "~/server/domain/orders/cancel-order.ts";
import { expireOrder } from "~/server/domain/orders/expire-unpaid-orders.ts";
import { finishPaidOrder } from "~/server/domain/payments/paid-sale-units.ts";
import { readSaleTimeline } from "~/server/domain/sales/read-sale-timeline.ts";
import { bucketHashTag, clusterKeySlot, saleBucketKeys, saleKeys, slotRange } from "~/server/domain/sales/keys.ts";
import { createSaleInput, pauseSale, updateSale, updateSaleInput } from "~/server/domain/sales/manage-sales.ts";
import { reconcileSale } from "~/server/domain/sales/reconcile-sale.ts";
import { reserveUnit } from "~/server/domain/sales/reserve-unit.ts";
import { allBucketKeys, bucketOfUser } from "~/server/domain/sales/sale-buckets.ts";
import { HOLD_GRACE_MS } from "~/server/domain/sales/sale-config.ts";
import { readSaleStatus } from "~/server/domain/sales/sale-state.ts";
import { giveUnitsScript } from "~/server/domain/sales/scripts.ts";
import { redis } from "~/server/redis.ts";
import { createFlashSale, createUsers } from "~/server/testing/factories.ts";
import { deleteSaleCompletely } from "~/server/testing/sales.ts";

const OPENS_AT = new Date("2032-03-03T03:00:00.000Z");
const saleIds: Array<{ id: number; stockBuckets: number }> = [];
// Generous limits: these tests are about stock, not about the rate limits (which count per bucket).
const config = { ...configFromEnv(), saleReserveRateLimit: { windowMs: 10_000, perUser: 1_000, perIp: 1_000_000 } };

afterAll(async () => {
  for (const { id, stockBuckets } of saleIds) {
    for (const keys of allBucketKeys(id, stockBuckets)) {
      await redis.del(keys.meta, keys.holds, keys.holders, keys.users, keys.idempotency, keys.settled, keys.xferOut, keys.xferIn);
    }
    await deleteSaleCompletely({ db, redis }, id);
  }
});

async function splitSale(overrides: { quantity: number; stockBuckets: number; perUserLimit?: number }) {
  const sale = await createFlashSale(db, { opensAt: OPENS_AT, ...overrides });
  saleIds.push({ id: sale.id, stockBuckets: overrides.stockBuckets });
  return sale;
}

function appAt(at: Date | number) {
  const clock = fixedClock(at);
  return { deps: createApp({ db, redis, clock, config }), clock };
}

function reserve(deps: ReturnType<typeof appAt>["deps"], saleId: number, userId: string, index = 0) {
  return reserveUnit(deps, { saleId, userId, idempotencyKey: crypto.randomUUID(), ip: `10.1.${index >> 8}.${index & 255}` });
}

async function allotments(saleId: number, stockBuckets: number) {
  return Promise.all(allBucketKeys(saleId, stockBuckets).map(async (keys) => Number(await redis.hget(keys.meta, "quantity"))));
}

/** Users that all hash to `bucket` of K. */
async function usersInBucket(count: number, bucket: number, stockBuckets: number) {
  const picked: Array<{ id: string }> = [];
  while (picked.length < count) {
    const batch = await createUsers(db, count * stockBuckets * 2);
    picked.push(...batch.filter((user) => bucketOfUser(user.id, stockBuckets) === bucket));
  }
  return picked.slice(0, count);
}

describe("stock buckets", () => {
  it("keeps bucket 0 on the sale's own keys and spreads K buckets over K slot ranges (one per primary of an even 3-primary cluster)", () => {
    expect(saleBucketKeys(42, 0, 3)).toBe(saleKeys(42));
    for (let saleId = 1; saleId <= 200; saleId += 1) {
      const ranges = [0, 1, 2].map((bucket) => {
        const tag = bucket === 0 ? `sale:${saleId}` : bucketHashTag(saleId, bucket, 3).slice(1, -1);
        return slotRange(clusterKeySlot(tag), 3);
      });
      expect(new Set(ranges).size).toBe(3);
    }
    // The ranges a 3-primary `redis-cli --cluster create` assigns.
    expect([0, 5460, 5461, 10922, 10923, 16383].map((slot) => slotRange(slot, 3))).toEqual([0, 0, 1, 1, 2, 2]);
    // The cluster spec's own example: CRC16("123456789") = 0x31C3.
    expect(clusterKeySlot("123456789")).toBe(0x31c3 % 16_384);
  });

  it("300 buyers racing for 30 units over 3 buckets: exactly 30 win, none oversold; one buyer racing 10 times gets their limit only", async () => {
    const sale = await splitSale({ quantity: 30, stockBuckets: 3, perUserLimit: 2 });
    const buyers = await createUsers(db, 300);
    const { deps } = appAt(OPENS_AT.getTime() + 1_000);
    const greedy = buyers[0]!;

    const results = await Promise.all([
      ...buyers.map((buyer, index) => reserve(deps, sale.id, buyer.id, index)),
      ...Array.from({ length: 9 }, () => reserve(deps, sale.id, greedy.id, 0)),
    ]);

    const won = results.filter((result) => result.outcome === "WON");
    expect(won).toHaveLength(30);
    expect(results.filter((result) => result.outcome !== "WON").every((result) => result.outcome === "SOLD_OUT" || result.outcome === "LIMIT_REACHED")).toBe(true);
    const orders = await db.order.findMany({ where: { saleId: sale.id }, select: { userId: true } });
    expect(orders).toHaveLength(30);
    expect(orders.filter((order) => order.userId === greedy.id).length).toBeLessThanOrEqual(2);
    const perUser = new Map<string, number>();
    for (const order of orders) perUser.set(order.userId, (perUser.get(order.userId) ?? 0) + 1);
    expect(Math.max(...perUser.values())).toBeLessThanOrEqual(2);

    const status = await readSaleStatus(deps, sale.id);
    expect(status).toMatchObject({ quantity: 30, held: 30, sold: 0, available: 0 });
    const reconciliation = await reconcileSale(deps, sale.id, { repair: false });
    expect(reconciliation).toMatchObject({ drift: 0, isInvariantHeld: true, mysql: { held: 30 } });
    expect(reconciliation.buckets?.inTransit).toBe(0);
  });

  it("the same user racing 10 attempts in a split sale wins exactly their limit", async () => {
    const sale = await splitSale({ quantity: 30, stockBuckets: 3, perUserLimit: 3 });
    const [buyer] = await createUsers(db, 1);
    const { deps } = appAt(OPENS_AT.getTime() + 1_000);

    const results = await Promise.all(Array.from({ length: 10 }, () => reserve(deps, sale.id, buyer!.id)));

    expect(results.filter((result) => result.outcome === "WON")).toHaveLength(3);
    expect(results.filter((result) => result.outcome === "LIMIT_REACHED")).toHaveLength(7);
    expect(await db.order.count({ where: { saleId: sale.id, userId: buyer!.id } })).toBe(3);
  });

  it("moves units to a dry bucket: 3 buyers of one bucket buy all 3 units of 3 buckets, the 4th is sold out", async () => {
    const sale = await splitSale({ quantity: 3, stockBuckets: 3 });
    const { deps } = appAt(OPENS_AT.getTime() + 1_000);
    const bucket = 2;
    const buyers = await usersInBucket(4, bucket, 3);

    const outcomes = [];
    for (const buyer of buyers) outcomes.push((await reserve(deps, sale.id, buyer.id)).outcome);

    expect(outcomes).toEqual(["WON", "WON", "WON", "SOLD_OUT"]);
    expect(await allotments(sale.id, 3)).toEqual([0, 0, 3]);
    const reconciliation = await reconcileSale(deps, sale.id, { repair: false });
    expect(reconciliation).toMatchObject({ drift: 0, isInvariantHeld: true, redis: { held: 3, available: 0 } });
  });

  it("racing buyers who mostly hash to one bucket still buy every unit of every bucket, and no more", async () => {
    const sale = await splitSale({ quantity: 30, stockBuckets: 3 });
    const { deps } = appAt(OPENS_AT.getTime() + 1_000);
    const buyers = [...(await usersInBucket(150, 0, 3)), ...(await usersInBucket(10, 1, 3))];

    const results = await Promise.all(buyers.map((buyer, index) => reserve(deps, sale.id, buyer.id, index)));

    expect(results.filter((result) => result.outcome === "WON")).toHaveLength(30);
    expect(await db.order.count({ where: { saleId: sale.id } })).toBe(30);
    const reconciliation = await reconcileSale(deps, sale.id, { repair: false });
    expect(reconciliation).toMatchObject({ drift: 0, isInvariantHeld: true, redis: { held: 30, available: 0 } });
    expect(reconciliation.buckets?.perBucket.map((bucket) => bucket.quantity - bucket.held)).toEqual([0, 0, 0]);
  });

  it("a transfer given but never received is finished by reconcile exactly once", async () => {
    const sale = await splitSale({ quantity: 9, stockBuckets: 3 });
    const { deps, clock } = appAt(OPENS_AT.getTime() + 1_000);
    await readSaleStatus(deps, sale.id); // loads the buckets: 3 / 3 / 3
    const donor = saleBucketKeys(sale.id, 1, 3);

    // The give half of a transfer into bucket 0, as if the reserving instance died before receiving it.
    const given = await deps.saleEngine.run(giveUnitsScript, {
      keys: { meta: donor.meta, holds: donor.holds, xferOut: donor.xferOut },
      args: { nowMs: clock.now().getTime(), graceMs: HOLD_GRACE_MS, transferId: "crashed-transfer", toBucket: 0 },
    });
    expect(given).toBe(2);
    expect(await allotments(sale.id, 3)).toEqual([3, 1, 3]);
    expect((await readSaleStatus(deps, sale.id)).available).toBe(7);

    // Too young: it may still be on its way.
    const early = await reconcileSale(deps, sale.id);
    expect(early.buckets).toMatchObject({ inTransit: 2, transfersCompleted: 0, toppedUp: 0 });
    expect(early.isInvariantHeld).toBe(true);

    clock.advance(5_000);
    const late = await reconcileSale(deps, sale.id);
    expect(late.buckets).toMatchObject({ inTransit: 0, transfersCompleted: 1, toppedUp: 0 });
    expect(await allotments(sale.id, 3)).toEqual([5, 1, 3]);
    expect(await redis.hlen(donor.xferOut)).toBe(0);

    const again = await reconcileSale(deps, sale.id);
    expect(again.buckets).toMatchObject({ inTransit: 0, transfersCompleted: 0, toppedUp: 0 });
    expect(await allotments(sale.id, 3)).toEqual([5, 1, 3]);
  });

  it("a flushed bucket is rebuilt from MySQL without over-counting, and reconcile restores the full quantity", async () => {
    const sale = await splitSale({ quantity: 12, stockBuckets: 3 });
    const { deps, clock } = appAt(OPENS_AT.getTime() + 1_000);
    const inBucket1 = await usersInBucket(2, 1, 3);
    for (const buyer of inBucket1) expect((await reserve(deps, sale.id, buyer.id)).outcome).toBe("WON");
    // A transfer stuck in transit out of bucket 2 into bucket 0: it must not be counted twice by the rebuild.
    const donor = saleBucketKeys(sale.id, 2, 3);
    await deps.saleEngine.run(giveUnitsScript, {
      keys: { meta: donor.meta, holds: donor.holds, xferOut: donor.xferOut },
      args: { nowMs: clock.now().getTime(), graceMs: HOLD_GRACE_MS, transferId: "stuck-into-0", toBucket: 0 },
    });
    expect(await allotments(sale.id, 3)).toEqual([4, 4, 2]);

    // Bucket 1 (2 holds) is lost, and bucket 0 too.
    for (const bucket of [0, 1]) {
      const keys = saleBucketKeys(sale.id, bucket, 3);
      await redis.del(keys.meta, keys.holds, keys.holders, keys.users, keys.idempotency, keys.settled, keys.xferOut, keys.xferIn);
    }
    const status = await readSaleStatus(deps, sale.id);

    const rebuilt = await allotments(sale.id, 3);
    // Bucket 2 keeps 2; the stuck 2 units count as bucket 0's (marked received); 12 - 2 = 10 shared, bucket 1 keeping its 2 holds.
    expect(rebuilt[2]).toBe(2);
    expect(rebuilt.reduce((sum, units) => sum + units, 0)).toBeLessThanOrEqual(12);
    expect(status).toMatchObject({ held: 2, sold: 0 });
    expect(Number(await redis.hget(saleBucketKeys(sale.id, 1, 3).meta, "quantity"))).toBeGreaterThanOrEqual(2);

    clock.advance(5_000);
    const reconciliation = await reconcileSale(deps, sale.id);
    expect(reconciliation).toMatchObject({ isInvariantHeld: true, redis: { held: 2 } });
    expect((await allotments(sale.id, 3)).reduce((sum, units) => sum + units, 0) + (reconciliation.buckets?.inTransit ?? 0)).toBe(12);
    // Finishing the stuck transfer added nothing: bucket 0's rebuild already counted it.
    expect(await allotments(sale.id, 3)).toEqual(rebuilt);
  });

  it("puts paid, expired and cancelled orders in their buyer's bucket; status sums the buckets; pause reaches every bucket", async () => {
    const sale = await splitSale({ quantity: 9, stockBuckets: 3 });
    const { deps, clock } = appAt(OPENS_AT.getTime() + 1_000);
    const [payer, expirer, canceller] = [(await usersInBucket(1, 0, 3))[0]!, (await usersInBucket(1, 1, 3))[0]!, (await usersInBucket(1, 2, 3))[0]!];
    const wins = [];
    for (const buyer of [payer, expirer, canceller]) {
      const result = await reserve(deps, sale.id, buyer.id);
      if (result.outcome !== "WON") throw new Error(`expected a win, got ${result.outcome}`);
      wins.push(result);
    }
    const held = (bucket: number) => redis.zcard(saleBucketKeys(sale.id, bucket, 3).holds);
    expect([await held(0), await held(1), await held(2)]).toEqual([1, 1, 1]);

    await db.order.update({ where: { id: wins[0]!.orderId }, data: { status: "PAID", paidAt: clock.now() } });
    await finishPaidOrder(deps, { id: wins[0]!.orderId, userId: payer.id, saleId: sale.id });
    await cancelOrder(deps, { id: wins[2]!.orderId, userId: canceller.id });
    expect(await redis.hget(saleBucketKeys(sale.id, 0, 3).meta, "sold")).toBe(1);
    expect([await held(0), await held(2)]).toEqual([0, 0]);
    expect(await redis.hget(saleBucketKeys(sale.id, 2, 3).users, canceller.id)).toBeNull();

    clock.advance(11 * 60_000);
    expect(await expireOrder(deps, { orderId: wins[1]!.orderId })).toBe(true);
    expect(await held(1)).toBe(0);

    const status = await readSaleStatus(deps, sale.id);
    expect(status).toMatchObject({ quantity: 9, sold: 1, held: 0, available: 8, isPaused: false });
    expect(await reconcileSale(deps, sale.id, { repair: false })).toMatchObject({ drift: 0, isInvariantHeld: true, mysql: { sold: 1, soldCountColumn: 1 } });

    const timeline = await readSaleTimeline(deps, { saleId: sale.id, fromMs: OPENS_AT.getTime(), toMs: OPENS_AT.getTime() + 2_000, stockBuckets: 3 });
    expect(timeline.reduce((sum, point) => sum + point.wins, 0)).toBe(3);

    await pauseSale(deps, { id: sale.id });
    const paused = await Promise.all(allBucketKeys(sale.id, 3).map((keys) => redis.hget(keys.meta, "paused")));
    expect(paused).toEqual([1, 1, 1]);
    const [latecomer] = await usersInBucket(1, 1, 3);
    expect((await reserve(deps, sale.id, latecomer!.id)).outcome).toBe("PAUSED");
    expect((await readSaleStatus(createApp({ db, redis, clock, config }), sale.id)).isPaused).toBe(true);
  });

  it("an instance whose cached K is stale never loads a split sale as unsplit", async () => {
    const sale = await splitSale({ quantity: 10, stockBuckets: 1 });
    const { deps } = appAt(OPENS_AT.getTime() + 1_000);
    expect((await readSaleStatus(deps, sale.id)).quantity).toBe(10); // caches K = 1 on this instance
    // Another instance splits it (before the open in real life) and the keys are gone.
    await db.sale.update({ where: { id: sale.id }, data: { stockBuckets: 3 } });
    saleIds.find((entry) => entry.id === sale.id)!.stockBuckets = 3;
    const home = saleKeys(sale.id);
    await redis.del(home.meta, home.holds, home.holders, home.users, home.idempotency, home.settled);

    const [buyer] = await createUsers(db, 1);
    await expect(reserve(deps, sale.id, buyer!.id)).rejects.toMatchObject({ code: "UNAVAILABLE" });
    expect(await redis.exists(home.meta)).toBe(0);
    expect((await reserve(deps, sale.id, buyer!.id)).outcome).toBe("WON");
    expect(await allotments(sale.id, 3)).toEqual([4, 3, 3]);

    // Its reconcile too: a stale K = 1 never repairs a split sale's holds into bucket 0.
    const stale = appAt(OPENS_AT.getTime() + 1_000).deps;
    await stale.saleEngine.caches.stockBuckets.get(sale.id, OPENS_AT.getTime() + 1_000, async () => 1);
    const reconciliation = await reconcileSale(stale, sale.id);
    expect(reconciliation).toMatchObject({ drift: 0, isInvariantHeld: true, buckets: { stockBuckets: 3 } });
    expect(await redis.zcard(home.holds)).toBe(bucketOfUser(buyer!.id, 3) === 0 ? 1 : 0);
  });

  it("the admin input refuses stock buckets with the waiting room and out of range; an edit before the open splits afresh", async () => {
    const base = { productId: 1, salePrice: 10_000, quantity: 10, opensAt: OPENS_AT };
    expect(createSaleInput.safeParse({ ...base, stockBuckets: 3 }).success).toBe(true);
    expect(createSaleInput.safeParse({ ...base, stockBuckets: 9 }).success).toBe(false);
    expect(createSaleInput.safeParse({ ...base, stockBuckets: 0 }).success).toBe(false);
    const withWaitingRoom = createSaleInput.safeParse({ ...base, stockBuckets: 2, waitingRoomEnabled: true });
    expect(withWaitingRoom.success).toBe(false);
    expect(withWaitingRoom.error?.issues[0]).toMatchObject({ path: ["stockBuckets"], message: expect.stringContaining("대기열") });
    expect(updateSaleInput.safeParse({ id: 1, data: { stockBuckets: 9 } }).success).toBe(false);

    const { deps } = appAt(OPENS_AT.getTime() - 3600_000);
    const scheduled = await createFlashSale(db, { opensAt: OPENS_AT, quantity: 10, waitingRoomEnabled: true });
    saleIds.push({ id: scheduled.id, stockBuckets: 3 });
    await expect(updateSale(deps, { id: scheduled.id, data: { stockBuckets: 3 } })).rejects.toMatchObject({ code: "INVALID_INPUT", message: expect.stringContaining("대기열") });

    await updateSale(deps, { id: scheduled.id, data: { stockBuckets: 3, waitingRoomEnabled: false } });
    expect(await allotments(scheduled.id, 3)).toEqual([4, 3, 3]);
    await updateSale(deps, { id: scheduled.id, data: { quantity: 20 } });
    expect(await allotments(scheduled.id, 3)).toEqual([7, 7, 6]);
    await updateSale(deps, { id: scheduled.id, data: { stockBuckets: 1 } });
    expect(await redis.hget(saleKeys(scheduled.id).meta, "quantity")).toBe(20);
    expect(await redis.exists(saleBucketKeys(scheduled.id, 1, 3).meta)).toBe(0);
  });
});
