import type { Clock } from "~/server/clock.ts";
import type { Db } from "~/server/db.ts";
import type { DepsOf } from "~/server/deps.ts";
import { payloadIds } from "~/server/domain/outbox/payload-ids.ts";
import { logger } from "~/server/logger.ts";

export type OutboxMessage = { id: number; name: string; payload: unknown };
/** Delivers one event: to Inngest when it is configured, to local handlers otherwise. Throwing means "retry later". */
export type OutboxDispatcher = (message: OutboxMessage) => Promise<void>;

const CLAIM_LEASE_MS = 60_000;
/** Deliveries tried before an event becomes a dead letter (~17 minutes of backoff in all). */
export const OUTBOX_MAX_ATTEMPTS = 10;

/** Exponential backoff between attempts: 2 s, 4 s, 8 s … capped at 10 minutes. */
export function retryDelayMs(attempts: number) {
  return Math.min(2 ** attempts * 1_000, 10 * 60_000);
}

/**
 * Delivers due outbox events at least once. Safe to run concurrently: each event is claimed with a compare-and-set
 * on its lease, so two relays never deliver the same event at the same time. Consumers must be idempotent
 * (Inngest dedupes by event id; local handlers act on guarded state).
 *
 * One run drains the backlog in batches until nothing is due or `timeBudgetMs` (wall time) is spent: a flash sale
 * queues a "please pay" mail per winner at once, and one batch per tick (100 every 5 s) would deliver a
 * 10,000-unit sale's mails after their holds had expired.
 *
 * An event whose last allowed attempt fails becomes a dead letter (deadAt): nothing is dropped silently, the admin
 * system page lists it and an admin replays it (server/domain/outbox/dead-letters.ts).
 */
export async function relayOutbox(deps: { db: Db; clock: Clock; dispatch: OutboxDispatcher }, options: { batchSize?: number; timeBudgetMs?: number } = {}) {
  const batchSize = options.batchSize ?? 100;
  const deadline = performance.now() + (options.timeBudgetMs ?? 3_000);
  let processed = 0;
  let failed = 0;
  for (;;) {
    const batch = await relayBatch(deps, batchSize);
    processed += batch.delivered;
    failed += batch.failed;
    if (batch.candidates < batchSize || performance.now() >= deadline) return { processed, failed };
  }
}

async function relayBatch(deps: { db: Db; clock: Clock; dispatch: OutboxDispatcher }, batchSize: number) {
  const now = deps.clock.now();
  const candidates = await deps.db.outboxEvent.findMany({
    where: {
      processedAt: null,
      deadAt: null,
      availableAt: { lte: now },
      OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }],
    },
    orderBy: { id: "asc" },
    take: batchSize,
    select: { id: true, name: true, payload: true, lockedUntil: true, attempts: true, lastError: true },
  });

  let delivered = 0;
  let failed = 0;
  for (const candidate of candidates) {
    // Its attempts are used up but no outcome was written: the process died while delivering it (or the event came
    // from before dead letters existed). Trying again could crash the next process the same way, so it is given up
    // on here, where an admin sees it, rather than retried forever or skipped forever.
    if (candidate.attempts >= OUTBOX_MAX_ATTEMPTS) {
      const buried = await deps.db.outboxEvent.updateMany({
        where: { id: candidate.id, processedAt: null, deadAt: null, lockedUntil: candidate.lockedUntil },
        data: { deadAt: now, lockedUntil: null, lastError: candidate.lastError ?? "no outcome recorded for the last attempt (its lease expired)" },
      });
      if (buried.count === 1) logDeadLetter(candidate, candidate.attempts);
      continue;
    }

    const claim = await deps.db.outboxEvent.updateMany({
      where: { id: candidate.id, processedAt: null, lockedUntil: candidate.lockedUntil },
      data: { lockedUntil: new Date(now.getTime() + CLAIM_LEASE_MS), attempts: { increment: 1 } },
    });
    if (claim.count === 0) continue;

    try {
      await deps.dispatch({ id: candidate.id, name: candidate.name, payload: candidate.payload });
      await deps.db.outboxEvent.update({ where: { id: candidate.id }, data: { processedAt: deps.clock.now(), lockedUntil: null, lastError: null } });
      delivered += 1;
    } catch (error) {
      failed += 1;
      const attempts = candidate.attempts + 1;
      const isLastAttempt = attempts >= OUTBOX_MAX_ATTEMPTS;
      const failedAt = deps.clock.now();
      // One write: a crash between "failed" and "dead" would otherwise leave an event that is neither retried nor listed.
      await deps.db.outboxEvent.update({
        where: { id: candidate.id },
        data: {
          lockedUntil: null,
          ...(isLastAttempt ? { deadAt: failedAt } : { availableAt: new Date(failedAt.getTime() + retryDelayMs(attempts)) }),
          lastError: error instanceof Error ? error.message.slice(0, 2_000) : String(error),
        },
      });
      if (isLastAttempt) logDeadLetter(candidate, attempts);
      else logger.warn({ outboxEventId: candidate.id, name: candidate.name, attempts, err: error }, "outbox delivery failed");
    }
  }
  return { candidates: candidates.length, delivered, failed };
}

/**
 * Error level so it reaches the system page's recent errors. Ids only: the error text may echo payload values and
 * stays in the row's lastError, shown to admins.
 */
function logDeadLetter(event: { id: number; name: string; payload: unknown }, attempts: number) {
  logger.error({ outboxEventId: event.id, name: event.name, attempts, ...payloadIds(event.payload) }, "outbox event moved to dead letters");
}

/**
 * The dashboard's backlog figures: events still being relayed (`pending`) and dead letters waiting for an admin
 * (`dead`). Counted apart because one is normal lag and the other needs a person.
 */
export async function countOutboxBacklog(deps: DepsOf<"db">) {
  const [pending, dead] = await Promise.all([
    deps.db.outboxEvent.count({ where: { processedAt: null, deadAt: null } }),
    deps.db.outboxEvent.count({ where: { processedAt: null, deadAt: { not: null } } }),
  ]);
  return { pending, dead };
}
