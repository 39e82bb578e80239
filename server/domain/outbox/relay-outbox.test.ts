import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";

import { fixedClock } from "~/server/clock.ts";
import { createPrismaClient, type Db } from "~/server/db.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { defineEvent, paymentRefundRequested } from "~/server/domain/events.ts";
import { listDeadLetters, replayDeadLetter } from "~/server/domain/outbox/dead-letters.ts";
import { enqueueEvent } from "~/server/domain/outbox/enqueue-event.ts";
import { countOutboxBacklog, OUTBOX_MAX_ATTEMPTS, relayOutbox, retryDelayMs, type OutboxMessage } from "~/server/domain/outbox/relay-outbox.ts";
import { logger } from "~/server/logger.ts";
import { createScratchDatabase } from "~/server/testing/db-url.ts";
import { uniqueSuffix } from "~/server/testing/factories.ts";

describe("relayOutbox", () => {
  // Its own database: a relay delivers everything due, and other test files leave events behind.
  let db: Db;
  let dropScratch: () => Promise<void>;
  beforeAll(async () => {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL!, "outbox");
    db = createPrismaClient(scratch.databaseUrl, 4);
    dropScratch = scratch.drop;
  });
  afterAll(async () => {
    await db.$disconnect();
    await dropScratch();
  });

  const eventName = `test/relay-${uniqueSuffix()}`;
  const testEvent = defineEvent(eventName, z.object({ n: z.number() }));
  // The same name with ids and a field that is not one, to see what a dead letter's log line keeps.
  const testEventWithIds = defineEvent(eventName, z.object({ orderId: z.string(), paymentId: z.number(), note: z.string() }));
  // The orphan-charge refund: the event that must never be dropped. Safe to use by name in this private database.
  const REFUND_EVENT = paymentRefundRequested.name;

  afterEach(async () => {
    vi.restoreAllMocks();
    await db.outboxEvent.deleteMany({ where: { name: { in: [eventName, REFUND_EVENT] } } });
    await db.auditLog.deleteMany({ where: { action: "outbox.replay" } });
  });

  it("does not write an event when the surrounding transaction rolls back", async () => {
    await db
      .$transaction(async (tx) => {
        await enqueueEvent(tx, testEvent, { n: 1 });
        throw new Error("state change failed");
      })
      .catch(() => undefined);
    expect(await db.outboxEvent.count({ where: { name: eventName } })).toBe(0);
  });

  it("delivers every event exactly once even when several relays race", async () => {
    const clock = fixedClock("2031-01-01T00:00:00Z");
    for (let n = 0; n < 20; n += 1) await enqueueEvent(db, testEvent, { n }, { availableAt: clock.now() });

    const delivered: OutboxMessage[] = [];
    const dispatch = async (message: OutboxMessage) => {
      if (message.name === eventName) delivered.push(message);
    };
    await Promise.all(Array.from({ length: 5 }, () => relayOutbox({ db, clock, dispatch })));

    expect(delivered.map((message) => (message.payload as { n: number }).n).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, n) => n));
    expect(await db.outboxEvent.count({ where: { name: eventName, processedAt: null } })).toBe(0);
  });

  it("drains a backlog larger than one batch in one run, and stops early when its time budget is spent", async () => {
    const clock = fixedClock("2031-01-01T00:00:00Z");
    await db.outboxEvent.createMany({ data: Array.from({ length: 250 }, (_, n) => ({ name: eventName, payload: { n }, availableAt: clock.now() })) });
    const delivered: number[] = [];
    const dispatch = async (message: OutboxMessage) => {
      if (message.name === eventName) delivered.push((message.payload as { n: number }).n);
    };

    await expect(relayOutbox({ db, clock, dispatch }, { batchSize: 40, timeBudgetMs: 0 })).resolves.toEqual({ processed: 40, failed: 0 });
    await expect(relayOutbox({ db, clock, dispatch }, { batchSize: 40, timeBudgetMs: 60_000 })).resolves.toEqual({ processed: 210, failed: 0 });
    expect(delivered).toEqual(Array.from({ length: 250 }, (_, n) => n));
  });

  it("keeps a failed event and retries it after a backoff", async () => {
    const clock = fixedClock("2031-01-01T00:00:00Z");
    await enqueueEvent(db, testEvent, { n: 1 }, { availableAt: clock.now() });
    let isConsumerUp = false;
    const seen: number[] = [];
    const dispatch = async (message: OutboxMessage) => {
      if (message.name !== eventName) return;
      if (!isConsumerUp) throw new Error("consumer unavailable");
      seen.push(message.id);
    };

    await relayOutbox({ db, clock, dispatch });
    const failed = await db.outboxEvent.findFirstOrThrow({ where: { name: eventName } });
    expect(failed).toMatchObject({ processedAt: null, attempts: 1, lastError: "consumer unavailable" });
    expect(failed.availableAt.getTime()).toBe(clock.now().getTime() + retryDelayMs(1));

    isConsumerUp = true;
    await relayOutbox({ db, clock, dispatch });
    expect(seen).toHaveLength(0);

    clock.advance(retryDelayMs(1));
    await relayOutbox({ db, clock, dispatch });
    expect(seen).toEqual([failed.id]);
    expect((await db.outboxEvent.findUniqueOrThrow({ where: { id: failed.id } })).processedAt).not.toBeNull();
  });

  describe("dead letters", () => {
    const actorId = "admin-outbox-test";

    /** Fails every delivery of this file's events until `isConsumerUp` is set; counts what reaches the consumer. */
    function flakyConsumer() {
      const state = { isConsumerUp: false, calls: 0, delivered: [] as number[] };
      const dispatch = async (message: OutboxMessage) => {
        if (message.name !== eventName && message.name !== REFUND_EVENT) return;
        state.calls += 1;
        if (!state.isConsumerUp) throw new Error("provider refused: card holder victim@example.com unknown");
        state.delivered.push(message.id);
      };
      return { state, dispatch };
    }

    /** Runs the relay once per allowed attempt, moving the clock past each backoff. */
    async function exhaustAttempts(clock: ReturnType<typeof fixedClock>, dispatch: (message: OutboxMessage) => Promise<void>) {
      for (let attempt = 1; attempt <= OUTBOX_MAX_ATTEMPTS; attempt += 1) {
        await relayOutbox({ db, clock, dispatch });
        clock.advance(retryDelayMs(attempt));
      }
    }

    it("moves an event whose last allowed attempt fails to dead letters, logs its ids and no longer picks it", async () => {
      const clock = fixedClock("2031-02-01T00:00:00Z");
      await enqueueEvent(db, testEventWithIds, { orderId: "order-dead-1", paymentId: 77, note: "not an id" }, { availableAt: clock.now() });
      const { id } = await db.outboxEvent.findFirstOrThrow({ where: { name: eventName }, select: { id: true } });
      const consumer = flakyConsumer();
      const errorLog = vi.spyOn(logger, "error").mockImplementation(() => {});
      vi.spyOn(logger, "warn").mockImplementation(() => {});

      for (let attempt = 1; attempt < OUTBOX_MAX_ATTEMPTS; attempt += 1) {
        await relayOutbox({ db, clock, dispatch: consumer.dispatch });
        clock.advance(retryDelayMs(attempt));
      }
      expect(await db.outboxEvent.findUniqueOrThrow({ where: { id } })).toMatchObject({ attempts: OUTBOX_MAX_ATTEMPTS - 1, deadAt: null });
      expect(errorLog).not.toHaveBeenCalled();

      const diedAt = clock.now();
      await relayOutbox({ db, clock, dispatch: consumer.dispatch });
      expect(consumer.state.calls).toBe(OUTBOX_MAX_ATTEMPTS);
      const dead = await db.outboxEvent.findUniqueOrThrow({ where: { id } });
      expect(dead).toMatchObject({ attempts: OUTBOX_MAX_ATTEMPTS, deadAt: diedAt, lockedUntil: null, processedAt: null });
      expect(dead.lastError).toContain("provider refused");
      expect(errorLog).toHaveBeenCalledTimes(1);
      expect(errorLog.mock.calls[0]?.[0]).toEqual({ outboxEventId: id, name: eventName, attempts: OUTBOX_MAX_ATTEMPTS, orderId: "order-dead-1", paymentId: 77 });
      expect(await countOutboxBacklog({ db })).toEqual({ pending: 0, dead: 1 });

      // Days later, with the consumer back, the relay still leaves it alone: only a replay brings it back.
      consumer.state.isConsumerUp = true;
      clock.advance(7 * 86_400_000);
      await relayOutbox({ db, clock, dispatch: consumer.dispatch });
      expect(consumer.state.calls).toBe(OUTBOX_MAX_ATTEMPTS);
      expect((await db.outboxEvent.findUniqueOrThrow({ where: { id } })).deadAt).toEqual(diedAt);
    });

    it("replays a dead-lettered refund once: it is delivered again, audited, and a second replay is refused", async () => {
      const clock = fixedClock("2031-03-01T00:00:00Z");
      await enqueueEvent(db, paymentRefundRequested, { orderId: "order-dead-2", paymentId: 78 }, { availableAt: clock.now() });
      const { id } = await db.outboxEvent.findFirstOrThrow({ where: { name: REFUND_EVENT }, select: { id: true } });
      const consumer = flakyConsumer();
      vi.spyOn(logger, "error").mockImplementation(() => {});
      vi.spyOn(logger, "warn").mockImplementation(() => {});
      await exhaustAttempts(clock, consumer.dispatch);
      const dead = await db.outboxEvent.findUniqueOrThrow({ where: { id } });
      expect(dead.deadAt).not.toBeNull();

      consumer.state.isConsumerUp = true;
      const replayedAt = clock.now();
      await expect(replayDeadLetter({ db, clock }, { id, actorId })).resolves.toEqual({ id, availableAt: replayedAt });
      expect(await db.outboxEvent.findUniqueOrThrow({ where: { id } })).toMatchObject({
        deadAt: null,
        attempts: 0,
        availableAt: replayedAt,
        lockedUntil: null,
        lastError: dead.lastError,
      });
      expect(await countOutboxBacklog({ db })).toEqual({ pending: 1, dead: 0 });

      const audit = await db.auditLog.findMany({ where: { action: "outbox.replay", targetId: String(id) } });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actorId, targetType: "OUTBOX_EVENT" });
      expect(audit[0]?.metadata).toEqual({ name: REFUND_EVENT, attempts: OUTBOX_MAX_ATTEMPTS, deadAt: dead.deadAt!.toISOString(), ids: { orderId: "order-dead-2", paymentId: 78 } });

      const second = await replayDeadLetter({ db, clock }, { id, actorId }).catch((error: unknown) => error);
      expect(second).toBeInstanceOf(DomainError);
      expect(second).toMatchObject({ code: "INVALID_STATE" });
      expect(await db.auditLog.count({ where: { action: "outbox.replay", targetId: String(id) } })).toBe(1);

      await relayOutbox({ db, clock, dispatch: consumer.dispatch });
      expect(consumer.state.delivered).toEqual([id]);
      expect(await db.outboxEvent.findUniqueOrThrow({ where: { id } })).toMatchObject({ processedAt: replayedAt, lastError: null, deadAt: null });

      // Delivered now, so it cannot be replayed either; an unknown id is simply not found.
      await expect(replayDeadLetter({ db, clock }, { id, actorId })).rejects.toMatchObject({ code: "INVALID_STATE" });
      await expect(replayDeadLetter({ db, clock }, { id: id + 1_000_000, actorId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    });

    it("lets only one of two simultaneous replays through", async () => {
      const clock = fixedClock("2031-04-01T00:00:00Z");
      const { id } = await db.outboxEvent.create({
        data: { name: eventName, payload: { orderId: "order-dead-3" }, attempts: OUTBOX_MAX_ATTEMPTS, deadAt: clock.now(), lastError: "boom" },
      });
      const results = await Promise.allSettled([replayDeadLetter({ db, clock }, { id, actorId }), replayDeadLetter({ db, clock }, { id, actorId })]);
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      expect(results.find((result) => result.status === "rejected")).toMatchObject({ reason: { code: "INVALID_STATE" } });
      expect(await db.auditLog.count({ where: { action: "outbox.replay", targetId: String(id) } })).toBe(1);
    });

    it("dead-letters an event whose last attempt ended without an outcome instead of trying it forever", async () => {
      const clock = fixedClock("2031-05-01T00:00:00Z");
      // A process died while delivering the tenth attempt: attempts are used up and the lease has run out.
      const { id } = await db.outboxEvent.create({
        data: { name: eventName, payload: { orderId: "order-dead-4" }, attempts: OUTBOX_MAX_ATTEMPTS, availableAt: clock.now(), lockedUntil: new Date(clock.now().getTime() - 1) },
      });
      const consumer = flakyConsumer();
      consumer.state.isConsumerUp = true;
      vi.spyOn(logger, "error").mockImplementation(() => {});

      await relayOutbox({ db, clock, dispatch: consumer.dispatch });
      expect(consumer.state.calls).toBe(0);
      const dead = await db.outboxEvent.findUniqueOrThrow({ where: { id } });
      expect(dead).toMatchObject({ deadAt: clock.now(), lockedUntil: null, processedAt: null });
      expect(dead.lastError).toMatch(/no outcome/);
    });

    it("lists dead letters newest first, a bounded page at a time, with payload ids only and a short, masked error", async () => {
      const clock = fixedClock("2031-06-01T00:00:00Z");
      const base = clock.now().getTime();
      await db.outboxEvent.createMany({
        data: Array.from({ length: 23 }, (_, n) => ({
          name: eventName,
          payload: { orderId: `order-list-${n}`, email: "victim@example.com" },
          attempts: OUTBOX_MAX_ATTEMPTS,
          deadAt: new Date(base + n * 1_000),
          lastError: `refund for victim@example.com failed ${"x".repeat(1_000)}`,
        })),
      });
      // Live and delivered events are not dead letters.
      await db.outboxEvent.create({ data: { name: eventName, payload: { orderId: "order-live" } } });
      await db.outboxEvent.create({ data: { name: eventName, payload: { orderId: "order-done" }, processedAt: clock.now() } });

      const first = await listDeadLetters({ db }, { page: 1 });
      expect(first).toMatchObject({ total: 23, page: 1, pageCount: 2 });
      expect(first.items).toHaveLength(20);
      expect(first.items.map((item) => item.ids)).toEqual(Array.from({ length: 20 }, (_, n) => ({ orderId: `order-list-${22 - n}` })));
      expect(first.items[0]).toMatchObject({ name: eventName, attempts: OUTBOX_MAX_ATTEMPTS, deadAt: new Date(base + 22_000) });
      expect(first.items[0]?.lastError?.length).toBeLessThanOrEqual(301);
      expect(JSON.stringify(first)).not.toContain("victim@example.com");
      expect(first.items[0]).not.toHaveProperty("payload");

      const second = await listDeadLetters({ db }, { page: 2 });
      expect(second.items.map((item) => item.ids.orderId)).toEqual(["order-list-2", "order-list-1", "order-list-0"]);
    });
  });
});
