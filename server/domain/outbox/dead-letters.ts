import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import { recordAudit } from "~/server/domain/admin/audit-log.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { idField } from "~/server/domain/input-rules.ts";
import { payloadIds } from "~/server/domain/outbox/payload-ids.ts";
import type { Prisma } from "~/server/generated/prisma/client.ts";

export const DEAD_LETTER_PAGE_SIZE = 20;
const LAST_ERROR_PREVIEW_CHARS = 300;

// processedAt null too: a delivery already in flight when the migration marked old events may still have succeeded.
const deadLetterWhere = { processedAt: null, deadAt: { not: null } } satisfies Prisma.OutboxEventWhereInput;

export const listDeadLettersInput = z.object({
  page: z.number().int().min(1).max(10_000).default(1),
});
export type ListDeadLettersInput = z.input<typeof listDeadLettersInput>;

/**
 * Error text comes from consumers and providers and may echo what they were sent; e-mail addresses are the one
 * piece of personal data our payloads lead to, so they are masked before the text leaves the server.
 */
function previewError(lastError: string | null) {
  if (!lastError) return null;
  const masked = lastError.replace(/[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+/g, "[email]");
  return masked.length > LAST_ERROR_PREVIEW_CHARS ? `${masked.slice(0, LAST_ERROR_PREVIEW_CHARS)}…` : masked;
}

/**
 * Outbox events the relay gave up on, newest death first, for the admin system page. The payload itself never
 * leaves the server: only its ids (payloadIds) do.
 */
export async function listDeadLetters(deps: DepsOf<"db">, input: z.output<typeof listDeadLettersInput>) {
  const [rows, total] = await Promise.all([
    deps.db.outboxEvent.findMany({
      where: deadLetterWhere,
      orderBy: [{ deadAt: "desc" }, { id: "desc" }],
      skip: (input.page - 1) * DEAD_LETTER_PAGE_SIZE,
      take: DEAD_LETTER_PAGE_SIZE,
      select: { id: true, name: true, payload: true, attempts: true, lastError: true, deadAt: true, createdAt: true },
    }),
    deps.db.outboxEvent.count({ where: deadLetterWhere }),
  ]);
  const items = rows.flatMap((row) =>
    row.deadAt
      ? [{ id: row.id, name: row.name, ids: payloadIds(row.payload), attempts: row.attempts, lastError: previewError(row.lastError), deadAt: row.deadAt, createdAt: row.createdAt }]
      : [],
  );
  return { items, total, page: input.page, pageCount: Math.max(1, Math.ceil(total / DEAD_LETTER_PAGE_SIZE)) };
}

export const replayDeadLetterInput = z.object({
  id: idField(),
});
export type ReplayDeadLetterInput = z.infer<typeof replayDeadLetterInput>;

/**
 * Gives a dead letter a fresh set of attempts, due now; the next relay run delivers it (consumers are idempotent,
 * so a refund or mail that did in fact get through once is not repeated). A compare-and-set on the deadAt that was
 * read: replaying twice, or from two tabs at once, moves it once and the other call is told so.
 *
 * lastError is kept: it is the only record of why the event died, and the relay overwrites it on the next failure
 * and clears it on delivery anyway. The audit entry commits with the state change or not at all.
 */
export async function replayDeadLetter(deps: DepsOf<"db" | "clock">, input: ReplayDeadLetterInput & { actorId: string }) {
  const now = deps.clock.now();
  return deps.db.$transaction(async (tx) => {
    const event = await tx.outboxEvent.findUnique({
      where: { id: input.id },
      select: { name: true, payload: true, attempts: true, deadAt: true, processedAt: true },
    });
    if (!event) throw new DomainError("NOT_FOUND", "이벤트를 찾을 수 없습니다.");
    const notDead = new DomainError("INVALID_STATE", "이미 다시 보냈거나 처리된 이벤트입니다.");
    if (event.deadAt === null || event.processedAt !== null) throw notDead;

    const replayed = await tx.outboxEvent.updateMany({
      where: { id: input.id, processedAt: null, deadAt: event.deadAt },
      data: { deadAt: null, attempts: 0, lockedUntil: null, availableAt: now },
    });
    if (replayed.count === 0) throw notDead;

    await recordAudit(tx, {
      actorId: input.actorId,
      action: "outbox.replay",
      targetType: "OUTBOX_EVENT",
      targetId: String(input.id),
      metadata: { name: event.name, attempts: event.attempts, deadAt: event.deadAt.toISOString(), ids: payloadIds(event.payload) },
    });
    return { id: input.id, availableAt: now };
  });
}
