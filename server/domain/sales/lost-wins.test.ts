import { afterAll, describe, expect, it } from "vitest";

import { appDeps, createApp } from "~/server/app.ts";
import { fixedClock } from "~/server/clock.ts";
import { configFromEnv } from "~/server/config.ts";
import { db } from "~/server/db.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { saleKeys } from "~/server/domain/sales/keys.ts";
import { repairLostWins } from "~/server/domain/sales/lost-wins.ts";
import { reconcileSale } from "~/server/domain/sales/reconcile-sale.ts";
import { issuePurchaseToken } from "~/server/domain/sales/purchase-token.ts";
import { reserveUnit } from "~/server/domain/sales/reserve-unit.ts";
import { reserveWithToken } from "~/server/domain/sales/reserve-with-token.ts";
import { getQueueStatus, joinQueue } from "~/server/domain/sales/waiting-room.ts";
import { rebuildSaleState, readSaleStatus } from "~/server/domain/sales/sale-state.ts";
import { redis } from "~/server/redis.ts";
import { createFlashSale, createUsers } from "~/server/testing/factories.ts";
import { deleteSaleCompletely, freshPurchaseSession } from "~/server/testing/sales.ts";

const OPENS_AT = new Date("2032-04-04T03:00:00.000Z");
const saleIds: number[] = [];
const config = { ...configFromEnv(), saleReserveRateLimit: { windowMs: 10_000, perUser: 1_000, perIp: 1_000_000 } };

afterAll(async () => {
  for (const id of saleIds) {
    const keys = saleKeys(id);
    await redis.del(keys.queue, keys.queueMeta, keys.admitted);
    await deleteSaleCompletely({ db, redis }, id);
  }
});

function appAt(ms: number) {
  return createApp({ db, redis, clock: fixedClock(ms), config });
}

function reserve(deps: ReturnType<typeof appAt>, saleId: number, userId: string) {
  return reserveUnit(deps, { saleId, userId, idempotencyKey: crypto.randomUUID(), ip: "10.9.0.1" });
}

/** What a replica promoted without its primary's last writes holds: the given wins never happened. */
async function loseWins(saleId: number, lost: Array<{ orderId: string; userId: string }>, winsLeft: number) {
  const keys = saleKeys(saleId);
  for (const { orderId, userId } of lost) {
    await redis.zrem(keys.holds, orderId);
    await redis.hdel(keys.holders, orderId);
    await redis.hdel(keys.users, userId);
  }
  await redis.hset(keys.meta, { wins: String(winsLeft) });
}

async function ordersOf(saleId: number) {
  return db.order.findMany({ where: { saleId }, select: { id: true, userId: true, saleWinSeq: true } });
}

describe("wins a Redis replica lost (lost-wins.ts)", () => {
  it("never writes a second order for a lost win: re-issued win numbers are refused, the lost holds come back, and the sale sells exactly its quantity", async () => {
    const sale = await createFlashSale(db, { opensAt: OPENS_AT, quantity: 10, perUserLimit: 1 });
    saleIds.push(sale.id);
    const openMs = OPENS_AT.getTime() + 1_000;
    const early = await createUsers(db, 6);
    let deps = appAt(openMs);
    for (const user of early) expect((await reserve(deps, sale.id, user.id)).outcome).toBe("WON");
    expect((await ordersOf(sale.id)).map((order) => order.saleWinSeq).sort((a, b) => a! - b!)).toEqual([1, 2, 3, 4, 5, 6]);

    // The promoted replica lacks the last three wins: to it, 7 units are free and the counter stands at 3.
    const orders = await ordersOf(sale.id);
    const lost = orders.filter((order) => order.saleWinSeq! > 3).map((order) => ({ orderId: order.id, userId: order.userId }));
    await loseWins(sale.id, lost, 3);

    // Newcomers and the three whose holds were lost race for what the replica thinks is free.
    const newcomers = await createUsers(db, 20);
    const racers = [...newcomers.map((user) => user.id), ...lost.map((entry) => entry.userId)];
    const results = await Promise.allSettled(racers.map((userId) => reserve(deps, sale.id, userId)));
    const refused = results.filter((result) => result.status === "rejected");
    expect(refused.length).toBeGreaterThan(0);
    for (const result of refused) expect((result as PromiseRejectedResult).reason).toBeInstanceOf(DomainError);
    // A refused buyer holds nothing in Redis (the stand-in belongs to nobody), so they may try again at once.
    const refusedUsers = racers.filter((_, index) => results[index]!.status === "rejected");
    const counts = await redis.hmget<Record<string, number | null>>(saleKeys(sale.id).users, ...refusedUsers);
    expect(Object.values(counts ?? {}).filter((count) => count !== null)).toEqual([]);

    // MySQL never holds more orders than units, nor two for one buyer.
    const afterRace = await ordersOf(sale.id);
    expect(afterRace.length).toBeLessThanOrEqual(10);
    expect(new Set(afterRace.map((order) => order.userId)).size).toBe(afterRace.length);

    // The repair the refusals started puts the lost holds back and raises the counter; stand-ins go once they are
    // older than an order write can take, and the sale sells out at exactly its quantity.
    await repairLostWins(deps, sale.id);
    expect(Number(await redis.hget(saleKeys(sale.id).meta, "wins"))).toBeGreaterThanOrEqual(6);
    deps = appAt(openMs + 15_000);
    await reconcileSale(deps, sale.id, { settleMs: 0 });
    const latecomers = await createUsers(db, 15);
    await Promise.allSettled(latecomers.map((user) => reserve(deps, sale.id, user.id)));
    const final = await ordersOf(sale.id);
    expect(final).toHaveLength(10);
    expect(new Set(final.map((order) => order.userId)).size).toBe(10);
    expect(new Set(final.map((order) => order.saleWinSeq)).size).toBe(10);
    const status = await readSaleStatus(deps, sale.id);
    expect(status.sold + status.held).toBe(10);
    expect(status.available).toBe(0);
    const check = await reconcileSale(deps, sale.id, { repair: false });
    expect(check.drift).toBe(0);
    expect(check.isInvariantHeld).toBe(true);
  });

  it("a sale rebuilt after a flush resumes its win counter past every win MySQL holds", async () => {
    const sale = await createFlashSale(db, { opensAt: OPENS_AT, quantity: 5, perUserLimit: 1 });
    saleIds.push(sale.id);
    const deps = appAt(OPENS_AT.getTime() + 1_000);
    const [first, second, third] = await createUsers(db, 3);
    expect((await reserve(deps, sale.id, first!.id)).outcome).toBe("WON");
    expect((await reserve(deps, sale.id, second!.id)).outcome).toBe("WON");
    const keys = saleKeys(sale.id);
    await redis.del(keys.meta, keys.holds, keys.holders, keys.users, keys.idempotency, keys.settled);
    await rebuildSaleState(deps, sale.id);
    expect(Number(await redis.hget(keys.meta, "wins"))).toBe(2);
    expect((await reserve(deps, sale.id, third!.id)).outcome).toBe("WON");
    expect((await ordersOf(sale.id)).map((order) => order.saleWinSeq).sort()).toEqual([1, 2, 3]);
  });

  it("a refused win gives the buyer's admission pass back, so the waiting room keeps them admitted", async () => {
    const sale = await createFlashSale(db, { opensAt: OPENS_AT, quantity: 5, perUserLimit: 1, waitingRoomEnabled: true, queueOpensMinutesBefore: 30 });
    saleIds.push(sale.id);
    const [first, second] = await createUsers(db, 2);
    for (const user of [first!, second!]) await joinQueue(appAt(OPENS_AT.getTime() - 1_000), { userId: user.id, saleId: sale.id });
    const deps = appAt(OPENS_AT.getTime() + 1_000);
    const passes = await Promise.all([first!, second!].map((user) => getQueueStatus(deps, { saleId: sale.id, userId: user.id, skipRateLimit: true })));
    const buy = (userId: string, admissionPass: string) => {
      const { token } = issuePurchaseToken(appDeps(), { userId, saleId: sale.id, session: freshPurchaseSession() }, deps.clock.now().getTime());
      return reserveWithToken(deps, { saleId: sale.id, idempotencyKey: crypto.randomUUID(), purchaseToken: token, admissionPass }, { ip: "10.9.0.2" });
    };
    expect(await buy(first!.id, passes[0]!.admissionPass!)).toMatchObject({ outcome: "WON" });

    // The replica lost that win: the second buyer is handed win number 1 again, which MySQL refuses.
    const [won] = await ordersOf(sale.id);
    await loseWins(sale.id, [{ orderId: won!.id, userId: won!.userId }], 0);
    await expect(buy(second!.id, passes[1]!.admissionPass!)).rejects.toMatchObject({ code: "UNAVAILABLE" });
    expect(Number(await redis.zscore(saleKeys(sale.id).admitted, second!.id))).toBe(passes[1]!.passExpiresAt!.getTime());

    await repairLostWins(deps, sale.id);
    expect(await buy(second!.id, passes[1]!.admissionPass!)).toMatchObject({ outcome: "WON" });
    expect((await ordersOf(sale.id)).map((order) => order.saleWinSeq).sort()).toEqual([1, 2]);
  });
});
