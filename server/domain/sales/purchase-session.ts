
import type { DepsOf } from "~/server/deps.ts";
import { isSessionActive, sessionLifetimeClock } from "~/server/domain/accounts/session-state.ts";
import type { PurchaseTokenClaims } from "~/server/domain/sales/purchase-token.ts";

/** How long one instance trusts a confirmed session before asking again: the most a revocation can lag on `reserve`. */
export const PURCHASE_SESSION_RECHECK_MS = 1_000;

/**
 * Whether the session a purchase token was issued to is still active: not logged out, not ended by "log out
 * everywhere", a password change or an admin, and within its absolute lifetime. The full check (session-state.ts,
 * one Redis round trip) runs at most once per second per session and instance; a buyer's repeated attempts in
 * between cost a lookup in the sale engine's confirmedSessions cache. It cannot join the reservation script itself:
 * the session keys live in other Redis Cluster slots than the sale's.
 * Session lifetimes run on sessionLifetimeClock, as for every request; the recheck window runs on the app's clock, so
 * tests move past it without waiting.
 */
export function isPurchaseSessionActive(deps: DepsOf<"db" | "redis" | "clock" | "config" | "saleEngine">, claims: Pick<PurchaseTokenClaims, "userId" | "session">): Promise<boolean> {
  const { sessionId, sessionVersion, authAt } = claims.session;
  return deps.saleEngine.caches.confirmedSessions.get(`${sessionId}:${sessionVersion}`, deps.clock.now().getTime(), () =>
    isSessionActive({ db: deps.db, redis: deps.redis, config: deps.config, clock: sessionLifetimeClock }, { userId: claims.userId, sessionId, sessionVersion, authAt }),
  );
}
