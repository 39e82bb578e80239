import { afterAll, describe, expect, it } from "vitest";

import { appDeps } from "~/server/app.ts";
import { createApp } from "~/server/app.ts";
import { fixedClock } from "~/server/clock.ts";
import { db } from "~/server/db.ts";
import { saleKeys } from "~/server/domain/sales/keys.ts";
import { issueAdmissionPass, issuePurchaseToken } from "~/server/domain/sales/purchase-token.ts";
import { reserveWithToken } from "~/server/domain/sales/reserve-with-token.ts";
import { countSaleUnitSold, recordSaleUnitReturned, syncSaleOrderToRedis } from "~/server/domain/sales/sale-order-hooks.ts";
import { drawOrder, getQueueStatus, joinQueue } from "~/server/domain/sales/waiting-room.ts";
import { redis } from "~/server/redis.ts";
import { createFlashSale, createUsers } from "~/server/testing/factories.ts";
import { deleteSaleCompletely, freshPurchaseSession } from "~/server/testing/sales.ts";

const OPENS_AT = new Date("2032-02-02T03:00:00.000Z");
const saleIds: number[] = [];

afterAll(async () => {
  for (const saleId of saleIds) {
    const keys = saleKeys(saleId);
    await redis.del(keys.queue, keys.queueMeta, keys.admitted);
    await deleteSaleCompletely({ db, redis }, saleId);
  }
});

async function waitingRoomSale(overrides: Parameters<typeof createFlashSale>[1]) {
  const sale = await createFlashSale(db, { waitingRoomEnabled: true, queueOpensMinutesBefore: 30, ...overrides });
  saleIds.push(sale.id);
  return sale;
}

function depsAt(at: Date | number) {
  return createApp({ db, redis, clock: fixedClock(at) });
}

async function reserve(deps: ReturnType<typeof depsAt>, saleId: number, userId: string, admissionPass?: string) {
  const { token } = issuePurchaseToken(appDeps(), { userId, saleId, session: freshPurchaseSession() }, deps.clock.now().getTime());
  return reserveWithToken(deps, { saleId, idempotencyKey: crypto.randomUUID(), purchaseToken: token, admissionPass }, { ip: "127.0.0.1" });
}

describe("waiting room queue", () => {
  it("5,000 concurrent joins get unique, gap-free positions, and joining again keeps the place", async () => {
    const sale = await waitingRoomSale({ opensAt: OPENS_AT, quantity: 100 });
    const people = await createUsers(db, 5_000);
    const deps = depsAt(OPENS_AT.getTime() - 60_000);

    const joins = await Promise.all(people.map((person) => joinQueue(deps, { userId: person.id, saleId: sale.id })));

    const positions = joins.map((join) => (join.state === "JOINED" ? join.position : -1)).sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: 5_000 }, (_, index) => index + 1));
    const again = await joinQueue(deps, { userId: people[123]!.id, saleId: sale.id });
    expect(again).toEqual({ state: "ALREADY", position: (joins[123] as { position: number }).position });
  });

  it("refuses joining before the queue opens and while the waiting room is off", async () => {
    const sale = await waitingRoomSale({ opensAt: OPENS_AT, quantity: 5 });
    const plain = await createFlashSale(db, { opensAt: OPENS_AT, quantity: 5 });
    saleIds.push(plain.id);
    const [person] = await createUsers(db, 1);

    await expect(joinQueue(depsAt(OPENS_AT.getTime() - 31 * 60_000), { userId: person!.id, saleId: sale.id })).resolves.toMatchObject({ state: "NOT_YET" });
    await expect(joinQueue(depsAt(OPENS_AT), { userId: person!.id, saleId: plain.id })).resolves.toEqual({ state: "OFF" });
  });

  it("draws a uniform order from a seed, reproducibly", () => {
    const people = Array.from({ length: 10 }, (_, index) => `user-${index}`);
    expect(drawOrder("fixed-seed", people)).toEqual(drawOrder("fixed-seed", people));
    expect(drawOrder("fixed-seed", people)).not.toEqual(drawOrder("other-seed", people));

    // Where does user-0 land over 20,000 seeds? Each of 10 places should get ~2,000 (chi-square, 9 d.o.f.).
    const counts = Array.from({ length: 10 }, () => 0);
    for (let draw = 0; draw < 20_000; draw += 1) counts[drawOrder(`seed-${draw}`, people).indexOf("user-0")]! += 1;
    const chiSquare = counts.reduce((sum, count) => sum + (count - 2_000) ** 2 / 2_000, 0);
    expect(chiSquare).toBeLessThan(27.88); // p = 0.001
  });

  it("shuffles pre-open joiners once at open with a recorded seed; later arrivals queue after them", async () => {
    const sale = await waitingRoomSale({ opensAt: OPENS_AT, quantity: 1, fairnessMode: "SHUFFLE_AT_OPEN", admissionMode: "RATE", admissionRatePerMinute: 1 });
    const early = await createUsers(db, 30);
    const [late] = await createUsers(db, 1);
    for (const person of early) await joinQueue(depsAt(OPENS_AT.getTime() - 1_000), { userId: person.id, saleId: sale.id });
    await joinQueue(depsAt(OPENS_AT.getTime() + 1_000), { userId: late!.id, saleId: sale.id });

    const statusAfterOpen = await getQueueStatus(depsAt(OPENS_AT.getTime() + 1_000), { saleId: sale.id, userId: late!.id, skipRateLimit: true });
    expect(statusAfterOpen.position).toBe(31);

    const { drawSeed } = await db.sale.findUniqueOrThrow({ where: { id: sale.id }, select: { drawSeed: true } });
    expect(drawSeed).toMatch(/^[0-9a-f]{32}$/);
    const expectedOrder = drawOrder(drawSeed!, early.map((person) => person.id));
    const actualOrder = (await redis.zrange<string[]>(saleKeys(sale.id).queue, 0, 29)).map(String);
    expect(actualOrder).toEqual(expectedOrder);
    expect(actualOrder).not.toEqual(early.map((person) => person.id));
  });

  it("a raffle refuses joining after the draw", async () => {
    const sale = await waitingRoomSale({ opensAt: OPENS_AT, quantity: 3, fairnessMode: "RAFFLE" });
    const [early, late] = await createUsers(db, 2);
    await joinQueue(depsAt(OPENS_AT.getTime() - 1_000), { userId: early!.id, saleId: sale.id });
    await expect(joinQueue(depsAt(OPENS_AT.getTime() + 1), { userId: late!.id, saleId: sale.id })).resolves.toEqual({ state: "RAFFLE_CLOSED" });
  });
});

describe("admission", () => {
  it("AUTO never admits more people than units × overbooking, and admits the next ones as units are taken", async () => {
    const sale = await waitingRoomSale({ opensAt: OPENS_AT, quantity: 10, admissionMode: "AUTO", overbookingPercent: 120 });
    const people = await createUsers(db, 40);
    for (const person of people) await joinQueue(depsAt(OPENS_AT.getTime() - 1_000), { userId: person.id, saleId: sale.id });

    const atOpen = depsAt(OPENS_AT.getTime() + 1_000);
    const statuses = await Promise.all(people.map((person) => getQueueStatus(atOpen, { saleId: sale.id, userId: person.id, skipRateLimit: true })));
    const admitted = statuses.filter((status) => status.state === "ADMITTED");
    expect(admitted).toHaveLength(12);
    expect(statuses.filter((status) => status.state === "WAITING").map((status) => status.peopleAhead).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 28 }, (_, index) => index));

    // Five admitted people buy: 5 units held, 7 admitted still pending; budget floor(10 × 1.2) − 5 − 7 = 0 more.
    for (const [index, status] of admitted.slice(0, 5).entries()) {
      const buyer = people.find((person) => statuses[people.indexOf(person)] === status)!;
      await expect(reserve(atOpen, sale.id, buyer.id, status.admissionPass!)).resolves.toMatchObject({ outcome: "WON" });
      expect(index).toBeLessThan(5);
    }
    const after = await getQueueStatus(atOpen, { saleId: sale.id, userId: null });
    expect(after.admittedTotal).toBe(12);
    expect(after.held).toBe(5);

    // Passes lapse after two minutes: their places go to the next people in line, still within the budget.
    const later = depsAt(OPENS_AT.getTime() + 1_000 + 2 * 60_000 + 1);
    const refreshed = await getQueueStatus(later, { saleId: sale.id, userId: null });
    expect(refreshed.admittedTotal).toBe(12 + 7);
  });

  it("RATE admits the configured number of people per minute since the open time", async () => {
    const sale = await waitingRoomSale({ opensAt: OPENS_AT, quantity: 100, admissionMode: "RATE", admissionRatePerMinute: 60 });
    const people = await createUsers(db, 100);
    for (const person of people) await joinQueue(depsAt(OPENS_AT.getTime() - 1_000), { userId: person.id, saleId: sale.id });

    expect((await getQueueStatus(depsAt(OPENS_AT.getTime() - 1), { saleId: sale.id, userId: null })).admittedTotal).toBe(0);
    expect((await getQueueStatus(depsAt(OPENS_AT.getTime() + 30_000), { saleId: sale.id, userId: null })).admittedTotal).toBe(31);
  });

  it("sale.reserve requires a valid, unused pass: none, expired or reused → NOT_ADMITTED; forged → UNAUTHORIZED", async () => {
    const sale = await waitingRoomSale({ opensAt: OPENS_AT, quantity: 10, perUserLimit: 2 });
    const [person, stranger] = await createUsers(db, 2);
    await joinQueue(depsAt(OPENS_AT.getTime() - 1_000), { userId: person!.id, saleId: sale.id });
    const atOpen = depsAt(OPENS_AT.getTime() + 1_000);
    const status = await getQueueStatus(atOpen, { saleId: sale.id, userId: person!.id, skipRateLimit: true });
    expect(status.state).toBe("ADMITTED");

    await expect(reserve(atOpen, sale.id, person!.id)).resolves.toEqual({ outcome: "NOT_ADMITTED" });
    const forged = issueAdmissionPass(appDeps(), { userId: stranger!.id, saleId: sale.id, expiresAtMs: OPENS_AT.getTime() + 60_000 });
    await expect(reserve(atOpen, sale.id, person!.id, forged)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await expect(reserve(atOpen, sale.id, stranger!.id, forged)).resolves.toEqual({ outcome: "NOT_ADMITTED" });
    await expect(reserve(depsAt(status.passExpiresAt!.getTime() + 1), sale.id, person!.id, status.admissionPass!)).resolves.toEqual({ outcome: "NOT_ADMITTED" });

    await expect(reserve(atOpen, sale.id, person!.id, status.admissionPass!)).resolves.toMatchObject({ outcome: "WON" });
    await expect(reserve(atOpen, sale.id, person!.id, status.admissionPass!)).resolves.toEqual({ outcome: "NOT_ADMITTED" });
  });

  it("tells everyone still waiting 'sold out' once the last unit is paid, and reopens if a unit comes back", async () => {
    const sale = await waitingRoomSale({ opensAt: OPENS_AT, quantity: 1 });
    const [buyer, waiting] = await createUsers(db, 2);
    const before = depsAt(OPENS_AT.getTime() - 1_000);
    await joinQueue(before, { userId: buyer!.id, saleId: sale.id });
    await joinQueue(before, { userId: waiting!.id, saleId: sale.id });
    const atOpen = depsAt(OPENS_AT.getTime() + 1_000);
    const pass = (await getQueueStatus(atOpen, { saleId: sale.id, userId: buyer!.id, skipRateLimit: true })).admissionPass!;
    const won = await reserve(atOpen, sale.id, buyer!.id, pass);
    if (won.outcome !== "WON") throw new Error("expected a win");

    // Held but unpaid: the unit may still come back, so the line stays open.
    expect((await getQueueStatus(atOpen, { saleId: sale.id, userId: waiting!.id, skipRateLimit: true })).state).toBe("WAITING");

    await db.order.update({ where: { id: won.orderId }, data: { status: "PAID", paidAt: atOpen.clock.now() } });
    expect(await countSaleUnitSold(db, { id: won.orderId, saleId: sale.id }, atOpen.clock.now())).toBe("counted");
    await syncSaleOrderToRedis(atOpen, { id: won.orderId, saleId: sale.id, userId: buyer!.id }, "paid");

    expect((await getQueueStatus(atOpen, { saleId: sale.id, userId: waiting!.id, skipRateLimit: true })).state).toBe("SOLD_OUT");
    await expect(joinQueue(atOpen, { userId: (await createUsers(db, 1))[0]!.id, saleId: sale.id })).resolves.toEqual({ state: "SOLD_OUT" });

    // The buyer cancels: the unit returns and the next person in line is admitted.
    await db.$transaction(async (tx) => {
      await tx.order.update({ where: { id: won.orderId }, data: { status: "CANCELLED", cancelledAt: atOpen.clock.now() } });
      await recordSaleUnitReturned(tx, { id: won.orderId, saleId: sale.id });
    });
    await syncSaleOrderToRedis(atOpen, { id: won.orderId, saleId: sale.id, userId: buyer!.id }, "released");
    expect((await getQueueStatus(atOpen, { saleId: sale.id, userId: waiting!.id, skipRateLimit: true })).state).toBe("ADMITTED");
  });
});
