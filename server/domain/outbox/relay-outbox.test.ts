import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { fixedClock } from "~/server/clock.ts";
import { createPrismaClient, type Db } from "~/server/db.ts";
import { enqueueEvent } from "~/server/domain/outbox/enqueue-event.ts";
import { relayOutbox, retryDelayMs, type OutboxMessage } from "~/server/domain/outbox/relay-outbox.ts";
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

  afterEach(async () => {
    await db.outboxEvent.deleteMany({ where: { name: eventName } });
  });

  it("does not write an event when the surrounding transaction rolls back", async () => {
    await db
      .$transaction(async (tx) => {
        await enqueueEvent(tx, eventName, { n: 1 });
        throw new Error("state change failed");
      })
      .catch(() => undefined);
    expect(await db.outboxEvent.count({ where: { name: eventName } })).toBe(0);
  });

  it("delivers every event exactly once even when several relays race", async () => {
    const clock = fixedClock("2031-01-01T00:00:00Z");
    for (let n = 0; n < 20; n += 1) await enqueueEvent(db, eventName, { n }, { availableAt: clock.now() });

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
    await expect(relayOutbox({ db, clock, dispatch }, { batchSize: 40 })).resolves.toEqual({ processed: 210, failed: 0 });
    expect(delivered).toEqual(Array.from({ length: 250 }, (_, n) => n));
  });

  it("keeps a failed event and retries it after a backoff", async () => {
    const clock = fixedClock("2031-01-01T00:00:00Z");
    await enqueueEvent(db, eventName, { n: 1 }, { availableAt: clock.now() });
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
});
