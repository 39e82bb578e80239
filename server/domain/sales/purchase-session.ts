
import type { DepsOf } from "~/server/deps.ts";
import { isSessionActive, sessionLifetimeClock } from "~/server/domain/accounts/session-state.ts";
import type { PurchaseTokenClaims } from "~/server/domain/sales/purchase-token.ts";

/** How long one instance trusts a confirmed session before asking again: the most a revocation can lag on `reserve`. */
export const PURCHASE_SESSION_RECHECK_MS = 1_000;
/** A cache, not a registry: past this many entries it starts over. */
const MAX_CONFIRMED_SESSIONS = 100_000;

const confirmed = new Map<string, { isActive: Promise<boolean>; untilMs: number }>();

/**
 * Whether the session a purchase token was issued to is still active: not logged out, not ended by "log out
 * everywhere", a password change or an admin, and within its absolute lifetime. The full check (session-state.ts,
 * one Redis round trip) runs at most once per second per session and instance; a buyer's repeated attempts in
 * between cost a Map lookup. It cannot join the reservation script itself: the session keys live in other Redis
 * Cluster slots than the sale's.
 * Session lifetimes run on sessionLifetimeClock, as for every request; the recheck window runs on the app's clock, so
 * tests move past it without waiting.
 */
export function isPurchaseSessionActive(deps: DepsOf<"db" | "redis" | "clock">, claims: Pick<PurchaseTokenClaims, "userId" | "session">): Promise<boolean> {
  const { sessionId, sessionVersion, authAt } = claims.session;
  const cacheKey = `${sessionId}:${sessionVersion}`;
  const nowMs = deps.clock.now().getTime();
  const cached = confirmed.get(cacheKey);
  if (cached && cached.untilMs > nowMs) return cached.isActive;

  const isActive = isSessionActive({ db: deps.db, redis: deps.redis, clock: sessionLifetimeClock }, { userId: claims.userId, sessionId, sessionVersion, authAt });
  if (confirmed.size >= MAX_CONFIRMED_SESSIONS) confirmed.clear();
  confirmed.set(cacheKey, { isActive, untilMs: nowMs + PURCHASE_SESSION_RECHECK_MS });
  // Only "active" is worth remembering; a failed or negative check is asked again next time.
  const forget = () => {
    if (confirmed.get(cacheKey)?.isActive === isActive) confirmed.delete(cacheKey);
  };
  isActive.then((active) => {
    if (!active) forget();
  }, forget);
  return isActive;
}
