import type { Redis } from "@upstash/redis";

import type { Clock } from "~/server/clock.ts";
import type { Db } from "~/server/db.ts";
import { relayOutbox, type OutboxDispatcher } from "~/server/domain/outbox/relay-outbox.ts";
import { openDueSales } from "~/server/domain/sales/open-due-sales.ts";

export type DueWorkDeps = { db: Db; redis: Redis; clock: Clock; dispatch: OutboxDispatcher };

/**
 * Every piece of time-driven work, as an idempotent operation over deadlines stored in MySQL. Inngest crons (and
 * sleepUntil functions) call these in production; the in-process runner calls them when Inngest is not configured.
 * Running any of them twice, late, or on two instances at once must be harmless.
 */
export const dueOperations = {
  "open-due-sales": (deps: DueWorkDeps) => openDueSales(deps),
  "relay-outbox": (deps: DueWorkDeps) => relayOutbox(deps),
} satisfies Record<string, (deps: DueWorkDeps) => Promise<{ processed: number }>>;

export type DueOperationName = keyof typeof dueOperations;
export const dueOperationNames = Object.keys(dueOperations) as DueOperationName[];
