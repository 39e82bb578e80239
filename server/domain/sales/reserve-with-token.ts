import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { idField } from "~/server/domain/input-rules.ts";
import { isPurchaseSessionActive } from "~/server/domain/sales/purchase-session.ts";
import { verifyAdmissionPass, verifyPurchaseToken } from "~/server/domain/sales/purchase-token.ts";
import { reserveUnit, TRY_AGAIN, type ReserveUnitInput } from "~/server/domain/sales/reserve-unit.ts";
import { getQueueStatus, joinQueue } from "~/server/domain/sales/waiting-room.ts";

type Deps = DepsOf<"db" | "redis" | "clock" | "saleEngine" | "config">;

/**
 * The `sale.reserve` use case: the buyer is identified by the signed purchase token (user id never comes from
 * input) whose session must still be active, then one atomic reservation decides. An expired token is a 401 the page
 * answers by fetching a new one.
 */
export async function reserveWithToken(deps: Deps, input: ReserveUnitInput, request: { ip: string }) {
  const nowMs = deps.clock.now().getTime();
  const buyer = await activeBuyerFromToken(deps, input, nowMs);
  let admissionPassExpiresAtMs = 0;
  if (input.admissionPass) {
    // A forged pass is an attack, answered as such; an expired one just means "not admitted (any more)".
    const pass = verifyAdmissionPass(deps, input.admissionPass, { userId: buyer.userId, saleId: input.saleId }, nowMs);
    if (!pass.ok && pass.reason !== "EXPIRED") throw new DomainError("UNAUTHENTICATED", "입장권이 올바르지 않습니다.", { details: { reason: pass.reason } });
    if (pass.ok) admissionPassExpiresAtMs = pass.expiresAtMs;
  }
  return reserveUnit(deps, { userId: buyer.userId, saleId: input.saleId, idempotencyKey: input.idempotencyKey, ip: request.ip, admissionPassExpiresAtMs, sessionId: buyer.session.sessionId });
}

/**
 * The buyer a purchase token names, whose session must still be active. A token outlives a logout by up to
 * PURCHASE_TOKEN_TTL_S; its session is re-checked at most once a second per instance (purchase-session.ts), so a
 * buyer's repeated attempts cost no extra round trip.
 */
async function activeBuyerFromToken(deps: Deps, input: Pick<ReserveUnitInput, "saleId" | "purchaseToken">, nowMs: number) {
  const buyer = buyerFromToken(deps, input, nowMs);
  const isActive = await isPurchaseSessionActive(deps, buyer).catch((error: unknown) => {
    // Neither Redis nor MySQL could tell: refuse, like every other undecidable reservation.
    throw new DomainError("UNAVAILABLE", TRY_AGAIN, { retryAfterS: 2, cause: error });
  });
  if (!isActive) throw new DomainError("UNAUTHENTICATED", "로그인이 만료되었습니다. 다시 로그인해 주세요.", { details: { reason: "SESSION_ENDED" } });
  return buyer;
}

function buyerFromToken(deps: DepsOf<"config">, input: Pick<ReserveUnitInput, "saleId" | "purchaseToken">, nowMs: number) {
  const check = verifyPurchaseToken(deps, input.purchaseToken, input.saleId, nowMs);
  if (!check.ok) {
    throw new DomainError("UNAUTHENTICATED", check.reason === "EXPIRED" ? "구매 인증이 만료되었습니다. 다시 시도해 주세요." : "구매 인증이 올바르지 않습니다.", {
      details: { reason: check.reason },
    });
  }
  return check.claims;
}

export const queueStatusInput = z.object({ saleId: idField(), purchaseToken: z.string().min(1).max(256) });

export const queueJoinInput = queueStatusInput.extend({ rejoin: z.boolean().optional() });

/**
 * The `sale.queueJoin` use case, on the same footing as `sale.reserve`: the person is the purchase token's user, whose
 * session is re-checked (cached, see activeBuyerFromToken); the rate limit and the join are then one script, one
 * Redis round trip.
 */
export async function joinQueueWithToken(deps: Deps, input: z.infer<typeof queueJoinInput>) {
  const buyer = await activeBuyerFromToken(deps, input, deps.clock.now().getTime());
  return joinQueue(deps, { userId: buyer.userId, saleId: input.saleId, rejoin: input.rejoin });
}

/** A waiting person's place, identified by their purchase token like the reservation itself. */
export function getQueueStatusWithToken(deps: Deps, input: z.infer<typeof queueStatusInput>) {
  const buyer = buyerFromToken(deps, { saleId: input.saleId, purchaseToken: input.purchaseToken }, deps.clock.now().getTime());
  return getQueueStatus(deps, { saleId: input.saleId, userId: buyer.userId });
}
