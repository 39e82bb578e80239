import { createHmac, randomBytes } from "node:crypto";


import type { DepsOf } from "~/server/deps.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { rateWindowKey, saleKeys, timelineKey } from "~/server/domain/sales/keys.ts";
import { issueAdmissionPass } from "~/server/domain/sales/purchase-token.ts";
import { joinQueueScript, LATE_ARRIVAL_OFFSET, queueStatusScript, type JoinQueueReply } from "~/server/domain/sales/queue-scripts.ts";
import { readSaleTimeline } from "~/server/domain/sales/read-sale-timeline.ts";
import { HOLD_GRACE_MS } from "~/server/domain/sales/sale-config.ts";
import { rebuildSaleState } from "~/server/domain/sales/sale-state.ts";
import { enforceRateLimit, rateLimitedError } from "~/server/rate-limit.ts";

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
 * join are one script, one Redis round trip (rebuilding the sale's keys first if Redis lost them).
 */
export async function joinQueue(deps: Deps, input: { userId: string; saleId: number; rejoin?: boolean }): Promise<JoinQueueResult> {
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
    case "JOINED":
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

async function runQueueStatusScript(deps: Deps, saleId: number, userId: string) {
  const keys = saleKeys(saleId);
  const nowMs = deps.clock.now().getTime();
  const call = {
    keys: { meta: keys.meta, holds: keys.holds, queue: keys.queue, queueMeta: keys.queueMeta, admitted: keys.admitted, timeline: timelineKey(keys, Math.floor(nowMs / 60_000)) },
    args: { nowMs, userId, passTtlMs: ADMISSION_PASS_TTL_MS, graceMs: HOLD_GRACE_MS },
  };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const reply = await deps.saleEngine.run(queueStatusScript, call);
    if (reply.state !== "MISSING") return reply;
    await rebuildSaleState(deps, saleId);
  }
  throw new DomainError("UNAVAILABLE", QUEUE_UNAVAILABLE, { retryAfterS: 2 });
}

/** The order a draw gives: sorted by HMAC(seed, userId), so it is uniform, unpredictable before the seed exists, and reproducible from it. */
export function drawOrder(seed: string, userIds: readonly string[]) {
  return userIds
    .map((userId) => ({ userId, key: createHmac("sha256", seed).update(userId).digest("hex") }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((entry) => entry.userId);
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
  const early = await deps.redis.zrange<string[]>(keys.queue, 0, LATE_ARRIVAL_OFFSET - 1, { byScore: true });
  const ordered = drawOrder(sale.drawSeed, early.map(String));
  for (let start = 0; start < ordered.length; start += 1_000) {
    const chunk = ordered.slice(start, start + 1_000);
    const [first, ...rest] = chunk.map((member, index) => ({ score: start + index + 1, member }));
    if (first) await deps.redis.zadd(keys.queue, { xx: true }, first, ...rest);
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
