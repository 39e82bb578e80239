import { randomBytes } from "node:crypto";


import type { DepsOf } from "~/server/deps.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { rateWindowKey, saleKeys, timelineKey } from "~/server/domain/sales/keys.ts";
import { issueAdmissionPass } from "~/server/domain/sales/purchase-token.ts";
import { drawOrder, loggedEarlyArrivals, logAdmission, logQueueEntry, logQueueRejoin, repairInFlight, repairQueue, type QueueLogOutcome } from "~/server/domain/sales/queue-log.ts";
import {
  forgetQueuePlaceScript,
  joinQueueScript,
  LATE_ARRIVAL_OFFSET,
  queueStatusScript,
  restoreQueuePlaceScript,
  type JoinQueueReply,
  type QueueStatusReply,
} from "~/server/domain/sales/queue-scripts.ts";
import { readSaleTimeline } from "~/server/domain/sales/read-sale-timeline.ts";
import { HOLD_GRACE_MS } from "~/server/domain/sales/sale-config.ts";
import { rebuildSaleState } from "~/server/domain/sales/sale-state.ts";
import { logger } from "~/server/logger.ts";
import { enforceRateLimit, rateLimitedError } from "~/server/rate-limit.ts";

export { drawOrder } from "~/server/domain/sales/queue-log.ts";

type Deps = DepsOf<"db" | "redis" | "clock" | "saleEngine" | "config">;

/** How long an admitted person may take to press "buy" before the place goes to the next person. */
export const ADMISSION_PASS_TTL_MS = 2 * 60_000;

const QUEUE_UNAVAILABLE = "대기열 정보를 불러오지 못했습니다. 잠시 후 다시 시도해 주세요.";

export type JoinQueueResult =
  | { state: "JOINED" | "ALREADY"; position: number }
  | { state: "NOT_YET"; queueOpensAt: Date }
  | { state: "CLOSED" | "SOLD_OUT" | "RAFFLE_CLOSED" | "OFF" };

/**
 * One place per account: joining again returns the same place (a refresh never loses it). The rate limit and the
 * join are one script, one Redis round trip (rebuilding the sale's keys first if Redis lost them). A new place is
 * answered only once MySQL has logged it (queue-log.ts), so an acknowledged place survives the loss of Redis.
 */
export async function joinQueue(deps: Deps, input: { userId: string; saleId: number; rejoin?: boolean }, isRepairRetry = false): Promise<JoinQueueResult> {
  const keys = saleKeys(input.saleId);
  const limit = deps.saleEngine.limits.queueJoin;
  let reply: JoinQueueReply = { state: "MISSING" };
  for (let attempt = 0; attempt < 2 && reply.state === "MISSING"; attempt += 1) {
    if (attempt > 0) await rebuildSaleState(deps, input.saleId);
    const nowMs = deps.clock.now().getTime();
    reply = await deps.saleEngine.run(joinQueueScript, {
      keys: { meta: keys.meta, queue: keys.queue, queueMeta: keys.queueMeta, rateWindow: rateWindowKey(keys, nowMs, limit.windowMs) },
      args: { nowMs, userId: input.userId, rejoin: input.rejoin ? "1" : "0", userLimit: limit.limit, windowMs: limit.windowMs },
    });
  }
  switch (reply.state) {
    case "JOINED": {
      const rank = await logJoin(deps, input, reply);
      if (rank === "RETRY") {
        if (isRepairRetry) throw new DomainError("UNAVAILABLE", QUEUE_UNAVAILABLE, { retryAfterS: 2 });
        return joinQueue(deps, input, true);
      }
      return { state: reply.state, position: rank + 1 };
    }
    case "ALREADY":
      return { state: reply.state, position: reply.rank + 1 };
    case "NOT_YET":
      return { state: reply.state, queueOpensAt: new Date(reply.queueOpensAtMs) };
    case "RATE_LIMITED":
      throw rateLimitedError(limit, reply.retryAfterMs / 1000);
    case "MISSING":
      throw new DomainError("UNAVAILABLE", QUEUE_UNAVAILABLE, { retryAfterS: 2 });
    default:
      return { state: reply.state };
  }
}

/**
 * Logs the place the join script just gave and returns its rank, or "RETRY" when the line had to be repaired first.
 * If MySQL does not answer, the place is taken back (only if it is still this one) and the join fails closed: a place
 * nobody was told about must not stay in Redis unlogged, and the retry takes a fresh one. (If that commit was only in
 * doubt and did land, the retry finds the row and gets that logged place back: MOVED below.) A failed rejoin keeps
 * its new place in Redis; the logged one is still the old place until a retry logs the move.
 */
async function logJoin(deps: Deps, input: { userId: string; saleId: number }, reply: Extract<JoinQueueReply, { state: "JOINED" }>): Promise<number | "RETRY"> {
  const keys = saleKeys(input.saleId);
  const entry = { saleId: input.saleId, userId: input.userId, seq: reply.seq, score: reply.score, joinedAt: deps.clock.now() };
  const forget = () => deps.saleEngine.run(forgetQueuePlaceScript, { keys: { queue: keys.queue }, args: { userId: input.userId, score: reply.score } });
  let outcome: QueueLogOutcome;
  try {
    outcome = reply.isRejoin ? await logQueueRejoin(deps, entry) : await logQueueEntry(deps, entry);
  } catch (error) {
    logger.warn({ err: error, saleId: input.saleId }, "queue join not logged; place taken back");
    if (!reply.isRejoin) await forget().catch((forgetError: unknown) => logger.warn({ err: forgetError, saleId: input.saleId }, "unlogged queue place not taken back"));
    throw new DomainError("UNAVAILABLE", QUEUE_UNAVAILABLE, { retryAfterS: 2 });
  }
  switch (outcome.kind) {
    case "LOGGED": {
      // A number Redis never gave out before it lost the line (a gap in the log) does not collide: if the line is
      // being restored meanwhile, the rank the script saw may still lack people ahead. Answer the restored rank.
      const repair = repairInFlight(deps, input.saleId);
      if (!repair) return reply.rank;
      await repair;
      const rank = await deps.redis.zrank(keys.queue, input.userId);
      return rank ?? reply.rank;
    }
    case "MOVED": {
      // Redis had lost this person (and so, probably, others): put the line back, then their own logged place.
      await repairQueue(deps, input.saleId);
      const score = await loggedPlaceScore(deps, input.saleId, input.userId, outcome.score);
      return deps.saleEngine.run(restoreQueuePlaceScript, { keys: { queue: keys.queue }, args: { userId: input.userId, score } });
    }
    case "SEQ_TAKEN":
      // Redis re-issued an arrival number someone else holds: it is behind the log. Repair, then join afresh.
      await forget();
      await repairQueue(deps, input.saleId);
      return "RETRY";
  }
}

/** A logged early arrival's place after a draw is its rank in the draw, recomputed from the seed (as the rebuild does). */
async function loggedPlaceScore(deps: Deps, saleId: number, userId: string, loggedScore: number) {
  if (loggedScore >= LATE_ARRIVAL_OFFSET) return loggedScore;
  const sale = await deps.db.sale.findUnique({ where: { id: saleId }, select: { drawSeed: true } });
  if (!sale?.drawSeed) return loggedScore;
  return drawOrder(sale.drawSeed, await loggedEarlyArrivals(deps, saleId)).indexOf(userId) + 1;
}

async function runQueueStatusScript(deps: Deps, saleId: number, userId: string) {
  const keys = saleKeys(saleId);
  const nowMs = deps.clock.now().getTime();
  const call = {
    keys: { meta: keys.meta, holds: keys.holds, queue: keys.queue, queueMeta: keys.queueMeta, admitted: keys.admitted, timeline: timelineKey(keys, Math.floor(nowMs / 60_000)) },
    args: { nowMs, userId, passTtlMs: ADMISSION_PASS_TTL_MS, graceMs: HOLD_GRACE_MS },
  };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const reply = await deps.saleEngine.run(queueStatusScript, call);
    if (reply.admittedNow.userIds.length > 0) await logAdmitted(deps, saleId, reply);
    if (reply.state !== "MISSING") return reply;
    await rebuildSaleState(deps, saleId);
  }
  throw new DomainError("UNAVAILABLE", QUEUE_UNAVAILABLE, { retryAfterS: 2 });
}

/**
 * The admission this poll just made, logged so a rebuilt line keeps it. A failure is logged, not thrown: the people are
 * admitted in Redis either way, and if Redis is lost before a later admission is logged, a rebuild re-admits them.
 */
async function logAdmitted(deps: Deps, saleId: number, reply: QueueStatusReply) {
  try {
    await logAdmission(deps, { saleId, threshold: reply.threshold, admittedTotal: reply.admittedTotal, userIds: reply.admittedNow.userIds, passExpiresAtMs: reply.admittedNow.passExpiresAtMs });
  } catch (error) {
    logger.warn({ err: error, saleId, admitted: reply.admittedNow.userIds.length }, "queue admission not logged");
  }
}

/**
 * Shuffle-at-open and raffle: everyone who joined before the open time gets a random order, once. The seed is fixed by
 * a compare-and-set in MySQL (recorded on the sale for audit), so concurrent draws on several instances agree.
 */
export async function drawQueue(deps: Deps, saleId: number) {
  await deps.db.sale.updateMany({ where: { id: saleId, drawSeed: null }, data: { drawSeed: randomBytes(16).toString("hex") } });
  const sale = await deps.db.sale.findUnique({ where: { id: saleId }, select: { drawSeed: true } });
  if (!sale?.drawSeed) throw new DomainError("NOT_FOUND", "세일을 찾을 수 없습니다.");

  const keys = saleKeys(saleId);
  // Everyone logged as early takes part even if Redis lost them, so a rebuild (which recomputes this draw) agrees.
  const [inRedis, logged] = await Promise.all([deps.redis.zrange<string[]>(keys.queue, 0, LATE_ARRIVAL_OFFSET - 1, { byScore: true }), loggedEarlyArrivals(deps, saleId)]);
  const ordered = drawOrder(sale.drawSeed, [...new Set([...inRedis.map(String), ...logged])]);
  for (let start = 0; start < ordered.length; start += 1_000) {
    const chunk = ordered.slice(start, start + 1_000);
    const [first, ...rest] = chunk.map((member, index) => ({ score: start + index + 1, member }));
    if (first) await deps.redis.zadd(keys.queue, first, ...rest);
  }
  await deps.redis.hset(keys.queueMeta, { drawn: "1" });
  return { seed: sale.drawSeed, drawn: ordered.length };
}

export type QueueStatus = {
  state: "WAITING" | "ADMITTED" | "PASS_LAPSED" | "NOT_IN_QUEUE" | "SOLD_OUT" | "OFF";
  position: number | null;
  peopleAhead: number | null;
  queueLength: number;
  admittedTotal: number;
  unitsLeft: number;
  held: number;
  estimatedWaitS: number | null;
  admissionPass: string | null;
  passExpiresAt: Date | null;
  serverNow: number;
};

/** One person's place (advancing admission first). Also used without a person for the dashboard's queue figures. */
export async function getQueueStatus(deps: Deps, input: { saleId: number; userId: string | null; skipRateLimit?: boolean }): Promise<QueueStatus> {
  if (input.userId && !input.skipRateLimit) await enforceRateLimit(deps.redis, deps.saleEngine.limits.queueStatus, input.userId);
  let reply = await runQueueStatusScript(deps, input.saleId, input.userId ?? "");
  if (reply.state === "NEEDS_DRAW") {
    await drawQueue(deps, input.saleId);
    reply = await runQueueStatusScript(deps, input.saleId, input.userId ?? "");
  }
  const { state, rank, threshold, held, passExpiresAtMs } = reply;
  const nowMs = deps.clock.now().getTime();
  const peopleAhead = state === "WAITING" && rank >= 0 ? Math.max(0, rank - threshold) : null;
  const admissionPass = state === "ADMITTED" && input.userId ? issueAdmissionPass(deps, { userId: input.userId, saleId: input.saleId, expiresAtMs: passExpiresAtMs }) : null;

  return {
    state: state === "NEEDS_DRAW" ? "WAITING" : (state as QueueStatus["state"]),
    position: rank >= 0 ? rank + 1 : null,
    peopleAhead,
    queueLength: reply.queueLength,
    admittedTotal: reply.admittedTotal,
    unitsLeft: reply.available + held,
    held,
    estimatedWaitS: peopleAhead === null ? null : await estimateWaitSeconds(deps, input.saleId, peopleAhead, nowMs),
    admissionPass,
    passExpiresAt: admissionPass ? new Date(passExpiresAtMs) : null,
    serverNow: nowMs,
  };
}

/** People ahead divided by the admission rate of the last minute; unknown until people have been admitted. */
async function estimateWaitSeconds(deps: Deps, saleId: number, peopleAhead: number, nowMs: number) {
  if (peopleAhead === 0) return 0;
  const timeline = await readSaleTimeline(deps, { saleId, fromMs: nowMs - 60_000, toMs: nowMs });
  const admittedLastMinute = timeline.reduce((sum, point) => sum + point.admitted, 0);
  if (admittedLastMinute === 0) return null;
  return Math.ceil(peopleAhead / (admittedLastMinute / 60));
}
