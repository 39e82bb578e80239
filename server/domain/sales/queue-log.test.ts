import { afterAll, describe, expect, it } from "vitest";

import { appDeps, createApp } from "~/server/app.ts";
import { fixedClock } from "~/server/clock.ts";
import { createPrismaClient, db } from "~/server/db.ts";
import { env } from "~/server/env.js";
import { DomainError } from "~/server/domain/errors.ts";
import { saleKeys } from "~/server/domain/sales/keys.ts";
import { issuePurchaseToken } from "~/server/domain/sales/purchase-token.ts";
import { reconcileLiveQueues } from "~/server/domain/sales/queue-log.ts";
import { reserveWithToken } from "~/server/domain/sales/reserve-with-token.ts";
import { drawOrder, getQueueStatus, joinQueue, type JoinQueueResult } from "~/server/domain/sales/waiting-room.ts";
import { redis } from "~/server/redis.ts";
import { createFlashSale, createUsers } from "~/server/testing/factories.ts";
import { deleteSaleCompletely, freshPurchaseSession } from "~/server/testing/sales.ts";
import { startTcpProxy } from "~/server/testing/tcp-proxy.ts";

const OPENS_AT = new Date("2032-03-03T03:00:00.000Z");
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

/** What FLUSHALL does to one sale: every key gone, the line included. */
async function flushSale(saleId: number) {
  const keys = saleKeys(saleId);
  await redis.del(keys.meta, keys.holds, keys.holders, keys.users, keys.idempotency, keys.settled, keys.queue, keys.queueMeta, keys.admitted);
}

/** The line as Redis has it: userId → position (1-based). */
async function positionsInRedis(saleId: number) {
  const members = (await redis.zrange<string[]>(saleKeys(saleId).queue, 0, -1)).map(String);
  return new Map(members.map((userId, index) => [userId, index + 1]));
}

function positionOf(join: JoinQueueResult) {
  if (join.state !== "JOINED" && join.state !== "ALREADY") throw new Error(`not in line: ${join.state}`);
  return join.position;
}

describe("the waiting room's MySQL log", () => {
  it("500 concurrent joins survive a flush: the next join rebuilds the line, everyone at the same position, in order", async () => {
    const sale = await waitingRoomSale({ opensAt: OPENS_AT, quantity: 100 });
    const people = await createUsers(db, 501);
    const joiners = people.slice(0, 500);
    const deps = depsAt(OPENS_AT.getTime() - 60_000);

    const joins = await Promise.all(joiners.map((person) => joinQueue(deps, { userId: person.id, saleId: sale.id })));
    const acknowledged = new Map(joiners.map((person, index) => [person.id, positionOf(joins[index]!)]));
    expect([...acknowledged.values()].sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, index) => index + 1));
    expect(await db.queueEntry.count({ where: { saleId: sale.id } })).toBe(500);

    await flushSale(sale.id);
    const newcomer = await joinQueue(deps, { userId: people[500]!.id, saleId: sale.id });
    expect(newcomer).toEqual({ state: "JOINED", position: 501 });

    const after = await positionsInRedis(sale.id);
    const lost = [...acknowledged].filter(([userId, position]) => after.get(userId) !== position);
    expect(lost).toEqual([]);
    // And each person's own view agrees: joining again is ALREADY at the same place.
    const again = await joinQueue(deps, { userId: joiners[321]!.id, saleId: sale.id });
    expect(again).toEqual({ state: "ALREADY", position: acknowledged.get(joiners[321]!.id) });
  });

  it("a replica promoted without the last joins: old places are repaired, new joiners never share a number, positions stay gap-free", async () => {
    const sale = await waitingRoomSale({ opensAt: OPENS_AT, quantity: 100 });
    const people = await createUsers(db, 230);
    const [early, late] = [people.slice(0, 200), people.slice(200)];
    const deps = depsAt(OPENS_AT.getTime() - 60_000);
    const joins = await Promise.all(early.map((person) => joinQueue(deps, { userId: person.id, saleId: sale.id })));
    const acknowledged = new Map(early.map((person, index) => [person.id, positionOf(joins[index]!)]));

    // The promoted replica never saw the last 50 joins: their places and the arrival counter went back.
    const keys = saleKeys(sale.id);
    const lastFifty = (await redis.zrange<string[]>(keys.queue, 150, 199)).map(String);
    await redis.zrem(keys.queue, ...lastFifty);
    await redis.hset(keys.queueMeta, { seq: 150 });

    // One of the lost people comes back among the new joiners: they get their logged place, not a new one.
    const comeback = early.find((person) => person.id === lastFifty[7])!;
    const [comebackJoin, ...newJoins] = await Promise.all([comeback, ...late].map((person) => joinQueue(deps, { userId: person.id, saleId: sale.id })));
    expect(positionOf(comebackJoin!)).toBe(acknowledged.get(comeback.id));

    const after = await positionsInRedis(sale.id);
    expect([...acknowledged].filter(([userId, position]) => after.get(userId) !== position)).toEqual([]);
    expect(newJoins.map(positionOf).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, index) => 201 + index));
    late.forEach((person, index) => expect(after.get(person.id)).toBe(positionOf(newJoins[index]!)));
    expect([...after.values()].sort((a, b) => a - b)).toEqual(Array.from({ length: 230 }, (_, index) => index + 1));
    const logged = await db.queueEntry.findMany({ where: { saleId: sale.id }, select: { seq: true } });
    expect(logged).toHaveLength(230);
    expect(new Set(logged.map((row) => row.seq)).size).toBe(230);
  });

  it("the due-work reconcile repairs a line that lost places without anyone joining", async () => {
    const sale = await waitingRoomSale({ opensAt: OPENS_AT, quantity: 100 });
    const people = await createUsers(db, 40);
    const deps = depsAt(OPENS_AT.getTime() - 60_000);
    for (const person of people) await joinQueue(deps, { userId: person.id, saleId: sale.id });
    const before = await positionsInRedis(sale.id);

    const keys = saleKeys(sale.id);
    await redis.zrem(keys.queue, ...people.slice(25).map((person) => person.id));
    await redis.hset(keys.queueMeta, { seq: 25 });

    const { processed } = await reconcileLiveQueues(deps);
    expect(processed).toBeGreaterThanOrEqual(1);
    expect(await positionsInRedis(sale.id)).toEqual(before);
    expect(Number(await redis.hget(keys.queueMeta, "seq"))).toBe(40);
  });

  it("admission survives a flush: threshold not lower, admitted people keep their passes, buyers do not get one back", async () => {
    const sale = await waitingRoomSale({ opensAt: OPENS_AT, quantity: 10, admissionMode: "AUTO", overbookingPercent: 100 });
    const people = await createUsers(db, 30);
    for (const person of people) await joinQueue(depsAt(OPENS_AT.getTime() - 1_000), { userId: person.id, saleId: sale.id });

    const atOpen = depsAt(OPENS_AT.getTime() + 1_000);
    const statuses = await Promise.all(people.map((person) => getQueueStatus(atOpen, { saleId: sale.id, userId: person.id, skipRateLimit: true })));
    const admittedPeople = people.filter((_, index) => statuses[index]!.state === "ADMITTED");
    expect(admittedPeople).toHaveLength(10);
    // Three of them buy: their passes are spent.
    const buyers = admittedPeople.slice(0, 3);
    for (const buyer of buyers) {
      const pass = statuses[people.indexOf(buyer)]!.admissionPass!;
      const { token } = issuePurchaseToken(appDeps(), { userId: buyer.id, saleId: sale.id, session: freshPurchaseSession() }, atOpen.clock.now().getTime());
      await expect(reserveWithToken(atOpen, { saleId: sale.id, idempotencyKey: crypto.randomUUID(), purchaseToken: token, admissionPass: pass }, { ip: "127.0.0.1" })).resolves.toMatchObject({ outcome: "WON" });
    }
    const thresholdBefore = Number(await redis.hget(saleKeys(sale.id).queueMeta, "threshold"));

    await flushSale(sale.id);
    const later = depsAt(OPENS_AT.getTime() + 5_000);
    const after = await Promise.all(people.map((person) => getQueueStatus(later, { saleId: sale.id, userId: person.id, skipRateLimit: true })));

    expect(Number(await redis.hget(saleKeys(sale.id).queueMeta, "threshold"))).toBeGreaterThanOrEqual(thresholdBefore);
    for (const [index, person] of people.entries()) {
      expect(after[index]!.position).toBe(statuses[index]!.position);
      if (buyers.includes(person)) expect(after[index]!.state).toBe("PASS_LAPSED");
      else if (admittedPeople.includes(person)) {
        expect(after[index]!.state).toBe("ADMITTED");
        expect(after[index]!.passExpiresAt).toEqual(statuses[index]!.passExpiresAt);
      } else expect(after[index]!.state).toBe("WAITING");
    }
  });

  it("a shuffle's drawn order survives a flush", async () => {
    const sale = await waitingRoomSale({ opensAt: OPENS_AT, quantity: 1, fairnessMode: "SHUFFLE_AT_OPEN", admissionMode: "RATE", admissionRatePerMinute: 1 });
    const early = await createUsers(db, 40);
    const [late] = await createUsers(db, 1);
    await Promise.all(early.map((person) => joinQueue(depsAt(OPENS_AT.getTime() - 1_000), { userId: person.id, saleId: sale.id })));
    await joinQueue(depsAt(OPENS_AT.getTime() + 500), { userId: late!.id, saleId: sale.id });
    await getQueueStatus(depsAt(OPENS_AT.getTime() + 1_000), { saleId: sale.id, userId: null });
    const drawn = (await redis.zrange<string[]>(saleKeys(sale.id).queue, 0, -1)).map(String);
    const { drawSeed } = await db.sale.findUniqueOrThrow({ where: { id: sale.id }, select: { drawSeed: true } });
    expect(drawn).toEqual([...drawOrder(drawSeed!, early.map((person) => person.id)), late!.id]);

    await flushSale(sale.id);
    const status = await getQueueStatus(depsAt(OPENS_AT.getTime() + 2_000), { saleId: sale.id, userId: late!.id, skipRateLimit: true });
    expect(status.position).toBe(41);
    expect((await redis.zrange<string[]>(saleKeys(sale.id).queue, 0, -1)).map(String)).toEqual(drawn);
    expect(String(await redis.hget(saleKeys(sale.id).queueMeta, "drawn"))).toBe("1");
  });

  it("a rejoin after a lapsed pass moves the logged place too, so a rebuild keeps the person at the back", async () => {
    const sale = await waitingRoomSale({ opensAt: OPENS_AT, quantity: 1, admissionMode: "AUTO", overbookingPercent: 100 });
    const [first, second, third] = await createUsers(db, 3);
    for (const person of [first!, second!, third!]) await joinQueue(depsAt(OPENS_AT.getTime() - 1_000), { userId: person.id, saleId: sale.id });
    await expect(getQueueStatus(depsAt(OPENS_AT.getTime() + 1_000), { saleId: sale.id, userId: first!.id, skipRateLimit: true })).resolves.toMatchObject({ state: "ADMITTED" });

    const lapsed = depsAt(OPENS_AT.getTime() + 1_000 + 3 * 60_000);
    await expect(getQueueStatus(lapsed, { saleId: sale.id, userId: first!.id, skipRateLimit: true })).resolves.toMatchObject({ state: "PASS_LAPSED" });
    await expect(joinQueue(lapsed, { userId: first!.id, saleId: sale.id, rejoin: true })).resolves.toEqual({ state: "JOINED", position: 3 });
    const row = await db.queueEntry.findUniqueOrThrow({ where: { saleId_userId: { saleId: sale.id, userId: first!.id } } });
    expect(Number(row.score)).toBeGreaterThan(1e12);
    expect(row.passExpiresAt).toBeNull();

    await flushSale(sale.id);
    await expect(getQueueStatus(lapsed, { saleId: sale.id, userId: first!.id, skipRateLimit: true })).resolves.toMatchObject({ position: 3 });
  });

  it("a draw includes early arrivals Redis lost before it ran", async () => {
    const sale = await waitingRoomSale({ opensAt: OPENS_AT, quantity: 1, fairnessMode: "SHUFFLE_AT_OPEN", admissionMode: "RATE", admissionRatePerMinute: 1 });
    const early = await createUsers(db, 20);
    await Promise.all(early.map((person) => joinQueue(depsAt(OPENS_AT.getTime() - 1_000), { userId: person.id, saleId: sale.id })));
    await redis.zrem(saleKeys(sale.id).queue, ...early.slice(0, 5).map((person) => person.id));

    await getQueueStatus(depsAt(OPENS_AT.getTime() + 1_000), { saleId: sale.id, userId: null });
    const { drawSeed } = await db.sale.findUniqueOrThrow({ where: { id: sale.id }, select: { drawSeed: true } });
    expect((await redis.zrange<string[]>(saleKeys(sale.id).queue, 0, -1)).map(String)).toEqual(drawOrder(drawSeed!, early.map((person) => person.id)));
  });

  it("the same person joining 10× at once gets one entry and one position", async () => {
    const sale = await waitingRoomSale({ opensAt: OPENS_AT, quantity: 10 });
    const [person, other] = await createUsers(db, 2);
    const deps = depsAt(OPENS_AT.getTime() - 60_000);
    await joinQueue(deps, { userId: other!.id, saleId: sale.id });

    const results = await Promise.allSettled(Array.from({ length: 10 }, () => joinQueue(deps, { userId: person!.id, saleId: sale.id })));
    const answered = results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
    // The per-person join limit refuses some of the ten: those are RATE_LIMITED, never a second place.
    for (const result of results) if (result.status === "rejected") expect(result.reason).toMatchObject({ code: "RATE_LIMITED" });
    expect(answered.filter((join) => join.state === "JOINED")).toHaveLength(1);
    expect(new Set(answered.map(positionOf))).toEqual(new Set([2]));
    expect(await db.queueEntry.count({ where: { saleId: sale.id, userId: person!.id } })).toBe(1);
  });
});

describe("MySQL unreachable", () => {
  it("a join fails closed (UNAVAILABLE) and leaves no unlogged place; the retry takes a logged one", async () => {
    const sale = await waitingRoomSale({ opensAt: OPENS_AT, quantity: 10 });
    const [first, person] = await createUsers(db, 2);
    const databaseUrl = new URL(env.DATABASE_URL);
    const proxy = await startTcpProxy({ host: databaseUrl.hostname, port: Number(databaseUrl.port || 3306) });
    databaseUrl.hostname = "127.0.0.1";
    databaseUrl.port = String(proxy.port);
    const proxiedDb = createPrismaClient(databaseUrl.toString(), 2, { acquireTimeoutMs: 500, connectTimeoutMs: 500 });
    const deps = createApp({ db: proxiedDb, redis, clock: fixedClock(OPENS_AT.getTime() - 60_000) });
    try {
      await expect(joinQueue(deps, { userId: first!.id, saleId: sale.id })).resolves.toEqual({ state: "JOINED", position: 1 });

      await proxy.down();
      const failed = await joinQueue(deps, { userId: person!.id, saleId: sale.id }).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(DomainError);
      expect(failed).toMatchObject({ code: "UNAVAILABLE" });
      expect(await redis.zscore(saleKeys(sale.id).queue, person!.id)).toBeNull();

      await proxy.up();
      await expect(joinQueue(deps, { userId: person!.id, saleId: sale.id })).resolves.toEqual({ state: "JOINED", position: 2 });
      expect(await db.queueEntry.count({ where: { saleId: sale.id } })).toBe(2);
    } finally {
      await proxy.down().catch(() => {});
      await proxiedDb.$disconnect();
    }
  });
});
