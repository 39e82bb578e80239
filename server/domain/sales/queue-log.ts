import { createHmac } from "node:crypto";

import type { Db } from "~/server/db.ts";
import type { DepsOf } from "~/server/deps.ts";
import { createGroupCommit, type GroupCommitPending } from "~/server/domain/group-commit.ts";
import { saleKeys } from "~/server/domain/sales/keys.ts";
import { LATE_ARRIVAL_OFFSET, restoreQueueScript } from "~/server/domain/sales/queue-scripts.ts";
import { driverErrorKind } from "~/server/domain/sales/write-hold-orders.ts";
import { Prisma } from "~/server/generated/prisma/client.ts";
import { logger } from "~/server/logger.ts";

/**
 * The waiting room's durable log. Redis decides places (one script, one round trip); MySQL remembers them, so a flush,
 * a lost primary or a replica promoted with writes missing can be repaired without anybody losing their place:
 * - a join is acknowledged only once its QueueEntry row is committed (group commit below);
 * - every admission raises QueueAdmission.threshold and logs the admitted people's pass expiry;
 * - restoreQueueFromLog puts logged places back (never moving a live one), raises the arrival counter past every
 *   logged number and restores the draw (recomputed from Sale.drawSeed) and the admission.
 */

type Deps = DepsOf<"db" | "redis" | "clock" | "saleEngine">;

export type QueueLogEntry = { saleId: number; userId: string; seq: number; score: number; joinedAt: Date };

/**
 * LOGGED: the row is this place. MOVED: the person was already logged with another place (Redis lost them and gave a
 * new one): `score` is the logged one. SEQ_TAKEN: another person holds this arrival number (Redis re-issued numbers).
 */
export type QueueLogOutcome = { kind: "LOGGED" } | { kind: "MOVED"; score: number } | { kind: "SEQ_TAKEN" };

/** The order a draw gives: sorted by HMAC(seed, userId), so it is uniform, unpredictable before the seed exists, and reproducible from it. */
export function drawOrder(seed: string, userIds: readonly string[]) {
  return userIds
    .map((userId) => ({ userId, key: createHmac("sha256", seed).update(userId).digest("hex") }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((entry) => entry.userId);
}

// ── Group commit of joins ────────────────────────────────────────────────────────────────────────────────────────

/** At most this many rows per INSERT … VALUES, and this many batches in flight per database client. */
const MAX_BATCH_SIZE = 500;
const MAX_BATCHES_IN_FLIGHT = 2;

type Pending = GroupCommitPending<QueueLogEntry, QueueLogOutcome>;

/**
 * Logs a new place; resolves once it is committed (or known to conflict), rejects if MySQL did not answer.
 * Joins that arrive in the same event-loop turn, or while earlier batches are being written, share one multi-row
 * INSERT (group-commit.ts): at thousands of joins per second one statement per join would queue on the pool and cost
 * event-loop time taken from every other request.
 */
export const logQueueEntry: (deps: DepsOf<"db">, entry: QueueLogEntry) => Promise<QueueLogOutcome> = createGroupCommit<DepsOf<"db">, QueueLogEntry, QueueLogOutcome>({
  maxBatchSize: MAX_BATCH_SIZE,
  maxBatchesInFlight: MAX_BATCHES_IN_FLIGHT,
  writeBatch: (deps, batch) => writeBatch(deps.db, batch),
});

/**
 * INSERT IGNORE: a conflicting row (either unique key) must not sink the batch. When every row went in, that is the
 * whole answer; otherwise the batch's rows are read back to tell which conflicted and how (a rare path: it means
 * Redis lost places, or a retry of a place whose commit was in doubt).
 */
async function writeBatch(db: Db, batch: Pending[]) {
  try {
    const rows = batch.map(({ item: entry }) => Prisma.sql`(${entry.saleId}, ${entry.userId}, ${entry.seq}, ${entry.score}, ${entry.joinedAt})`);
    const inserted = await db.$executeRaw`INSERT IGNORE INTO \`QueueEntry\` (saleId, userId, seq, score, joinedAt) VALUES ${Prisma.join(rows)}`;
    if (inserted === batch.length) {
      for (const pending of batch) pending.resolve({ kind: "LOGGED" });
      return;
    }
    const people = batch.map(({ item: entry }) => Prisma.sql`(${entry.saleId}, ${entry.userId})`);
    const logged = await db.$queryRaw<Array<{ saleId: number; userId: string; seq: bigint; score: bigint }>>`
      SELECT saleId, userId, seq, score FROM \`QueueEntry\` WHERE (saleId, userId) IN (${Prisma.join(people)})`;
    const byPerson = new Map(logged.map((row) => [`${row.saleId}:${row.userId}`, row]));
    for (const { item: entry, resolve } of batch) {
      const row = byPerson.get(`${entry.saleId}:${entry.userId}`);
      if (!row) resolve({ kind: "SEQ_TAKEN" });
      else if (Number(row.seq) === entry.seq) resolve({ kind: "LOGGED" });
      else resolve({ kind: "MOVED", score: Number(row.score) });
    }
  } catch (error) {
    for (const pending of batch) pending.reject(error);
  }
}

/** A rejoin (pass lapsed, back of the line) moves the logged place too. Rare, so one statement of its own. */
export async function logQueueRejoin(deps: DepsOf<"db">, entry: QueueLogEntry): Promise<QueueLogOutcome> {
  try {
    const updated = await deps.db.$executeRaw`
      UPDATE \`QueueEntry\` SET seq = ${entry.seq}, score = ${entry.score}, joinedAt = ${entry.joinedAt}, passExpiresAt = NULL
      WHERE saleId = ${entry.saleId} AND userId = ${entry.userId}`;
    if (updated === 1) return { kind: "LOGGED" };
  } catch (error) {
    if (driverErrorKind(error) === "UniqueConstraintViolation") return { kind: "SEQ_TAKEN" };
    throw error;
  }
  // The first place was never logged (joined before the log existed): log this one as a new place.
  return logQueueEntry(deps, entry);
}

// ── Admission ────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Logs an admission the status script just made: the threshold and total only ever rise (GREATEST, so instances
 * logging out of order cannot lower them), and each admitted person's pass expiry is kept for a rebuild.
 */
export async function logAdmission(deps: DepsOf<"db" | "clock">, input: { saleId: number; threshold: number; admittedTotal: number; userIds: string[]; passExpiresAtMs: number }) {
  const { db } = deps;
  const now = deps.clock.now();
  await db.$transaction([
    db.$executeRaw`
      INSERT INTO \`QueueAdmission\` (saleId, threshold, admitted, updatedAt) VALUES (${input.saleId}, ${input.threshold}, ${input.admittedTotal}, ${now})
      ON DUPLICATE KEY UPDATE threshold = GREATEST(threshold, VALUES(threshold)), admitted = GREATEST(admitted, VALUES(admitted)), updatedAt = VALUES(updatedAt)`,
    db.$executeRaw`
      UPDATE \`QueueEntry\` SET passExpiresAt = ${new Date(input.passExpiresAtMs)}
      WHERE saleId = ${input.saleId} AND userId IN (${Prisma.join(input.userIds)})`,
  ]);
}

// ── Rebuild and repair ───────────────────────────────────────────────────────────────────────────────────────────

const RESTORE_CHUNK = 1_000;

/** People who joined before the open time, as logged: the draw's input. */
export async function loggedEarlyArrivals(deps: DepsOf<"db">, saleId: number) {
  const rows = await deps.db.$queryRaw<Array<{ userId: string }>>`SELECT userId FROM \`QueueEntry\` WHERE saleId = ${saleId} AND score < ${LATE_ARRIVAL_OFFSET}`;
  return rows.map((row) => row.userId);
}

/**
 * Puts the logged line back into Redis: every logged place that Redis lacks, at its logged score (a live place is
 * left alone), the shuffle/raffle draw recomputed from the sale's seed, the arrival counter raised past every logged
 * number (so no number is issued twice), the admission threshold and total raised to the logged ones, and the
 * unexpired passes of admitted people who have not bought since. Idempotent; safe beside live traffic.
 */
export async function restoreQueueFromLog(deps: Deps, saleId: number) {
  const [entries, sale, admission] = await Promise.all([
    deps.db.$queryRaw<Array<{ userId: string; seq: bigint; score: bigint; passExpiresAt: Date | null }>>`
      SELECT userId, seq, score, passExpiresAt FROM \`QueueEntry\` WHERE saleId = ${saleId}`,
    deps.db.sale.findUnique({ where: { id: saleId }, select: { drawSeed: true } }),
    deps.db.queueAdmission.findUnique({ where: { saleId }, select: { threshold: true, admitted: true } }),
  ]);
  if (entries.length === 0 && !admission) return { restored: 0 };

  const nowMs = deps.clock.now().getTime();
  let maxSeq = 0;
  const early: string[] = [];
  const late: Array<[string, string]> = [];
  const admitted = new Map<string, number>();
  for (const entry of entries) {
    maxSeq = Math.max(maxSeq, Number(entry.seq));
    if (Number(entry.score) < LATE_ARRIVAL_OFFSET) early.push(entry.userId);
    else late.push([entry.userId, String(entry.score)]);
    if (entry.passExpiresAt && entry.passExpiresAt.getTime() > nowMs) admitted.set(entry.userId, entry.passExpiresAt.getTime());
  }
  const seed = sale?.drawSeed ?? null;
  const earlyScored: Array<[string, string]> = seed
    ? drawOrder(seed, early).map((userId, index) => [userId, String(index + 1)])
    : entries.filter((entry) => Number(entry.score) < LATE_ARRIVAL_OFFSET).map((entry) => [entry.userId, String(entry.score)]);

  // A pass is spent by the win it allowed (the reservation script drops it): whoever has an order here bought already.
  if (admitted.size > 0) {
    const buyers = await deps.db.order.findMany({ where: { saleId, userId: { in: [...admitted.keys()] } }, select: { userId: true } });
    for (const buyer of buyers) admitted.delete(buyer.userId);
  }

  const keys = saleKeys(saleId);
  const run = (chunk: Array<[string, string]>, overwrite: boolean, final: boolean) =>
    deps.saleEngine.run(restoreQueueScript, {
      keys: { queue: keys.queue, queueMeta: keys.queueMeta, admitted: keys.admitted },
      args: {
        entries: JSON.stringify(chunk),
        overwrite: overwrite ? "1" : "0",
        passes: final ? JSON.stringify([...admitted].map(([userId, expiresAtMs]) => [userId, String(expiresAtMs)])) : "[]",
        // Raised last, once every place is back. Until then a join draws a number the log already holds, collides and
        // waits for this repair (SEQ_TAKEN): a number past the log, answered with its rank in a half-restored line,
        // would later fall back behind the places still to come. Nor may admission run ahead over a partial line.
        seq: final ? maxSeq : 0,
        threshold: final ? (admission?.threshold ?? 0) : 0,
        admitted: final ? (admission?.admitted ?? 0) : 0,
        drawn: final && seed ? "1" : "0",
      },
    });

  let restored = 0;
  for (const [list, overwrite] of [[earlyScored, seed !== null], [late, false]] as const) {
    for (let start = 0; start < list.length; start += RESTORE_CHUNK) restored += await run(list.slice(start, start + RESTORE_CHUNK), overwrite, false);
  }
  await run([], false, true);
  if (restored > 0) logger.warn({ saleId, restored, logged: entries.length }, "waiting-room places restored from the MySQL log");
  return { restored };
}

// One repair per sale at a time in this process: after a failover every join that notices it would otherwise start its own.
const repairs = new WeakMap<Db, Map<number, Promise<{ restored: number }>>>();

/** The repair of this sale running in this process, if any. */
export function repairInFlight(deps: DepsOf<"db">, saleId: number) {
  return repairs.get(deps.db)?.get(saleId);
}

/** restoreQueueFromLog, shared by everyone in this process who asks while one is running. */
export function repairQueue(deps: Deps, saleId: number) {
  let bySale = repairs.get(deps.db);
  if (!bySale) {
    bySale = new Map();
    repairs.set(deps.db, bySale);
  }
  let repair = bySale.get(saleId);
  if (!repair) {
    repair = restoreQueueFromLog(deps, saleId).finally(() => bySale.delete(saleId));
    bySale.set(saleId, repair);
  }
  return repair;
}

/**
 * Compares a sale's line in Redis with the log and repairs it when Redis is behind: fewer places than logged, an
 * arrival counter below a logged number (a replica promoted without the last writes), a lower admission threshold,
 * or a draw the sale recorded but Redis forgot. Places are written to Redis before their row, so Redis ahead is normal.
 */
export async function reconcileQueue(deps: Deps, saleId: number) {
  const keys = saleKeys(saleId);
  const [metaExists, queueLength, queueMeta] = await deps.redis
    .pipeline()
    .exists(keys.meta)
    .zcard(keys.queue)
    .hgetall<Record<string, string | number>>(keys.queueMeta)
    .exec<[number, number, Record<string, string | number> | null]>();
  // Without the sale's keys there is nothing to compare: the next request (or reconcileSale) rebuilds them, line included.
  if (metaExists === 0) return { repaired: false };

  const [[logged], admission, sale] = await Promise.all([
    deps.db.$queryRaw<Array<{ count: bigint; maxSeq: bigint | null }>>`SELECT COUNT(*) AS count, MAX(seq) AS maxSeq FROM \`QueueEntry\` WHERE saleId = ${saleId}`,
    deps.db.queueAdmission.findUnique({ where: { saleId }, select: { threshold: true } }),
    deps.db.sale.findUnique({ where: { id: saleId }, select: { drawSeed: true } }),
  ]);
  const count = Number(logged?.count ?? 0);
  const isBehind =
    queueLength < count ||
    Number(queueMeta?.seq ?? 0) < Number(logged?.maxSeq ?? 0) ||
    Number(queueMeta?.threshold ?? 0) < (admission?.threshold ?? 0) ||
    (count > 0 && sale?.drawSeed != null && String(queueMeta?.drawn ?? "0") !== "1");
  if (!isBehind) return { repaired: false };
  await repairQueue(deps, saleId);
  return { repaired: true };
}

/** The due-work part: every sale whose line is (or may still be) in use and has logged places. */
export async function reconcileLiveQueues(deps: Deps) {
  const sales = await deps.db.sale.findMany({
    where: { waitingRoomEnabled: true, state: { in: ["SCHEDULED", "OPEN", "PAUSED", "SOLD_OUT"] }, queueEntries: { some: {} } },
    select: { id: true },
  });
  let processed = 0;
  for (const sale of sales) {
    if ((await reconcileQueue(deps, sale.id)).repaired) processed += 1;
  }
  return { processed };
}
