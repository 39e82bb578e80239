import type { Redis } from "@upstash/redis";

import { systemClock, type Clock } from "~/server/clock.ts";
import type { AppConfig } from "~/server/config.ts";
import type { Db } from "~/server/db.ts";
import { hashTagged, redisKey } from "~/server/redis-keys.ts";
import { RedisUnavailableError } from "~/server/redis.ts";

/**
 * Server-side session state for stateless Auth.js JWTs. A token is active only while
 *   1. its login time (`authAt`) is within the absolute lifetime (SESSION_MAX_AGE_S),
 *   2. its session id (`sid`) has not been revoked (logout), and
 *   3. its session version (`sv`) equals the user's current User.sessionVersion (log out everywhere, password change).
 * MySQL is the source of truth (User.sessionVersion, RevokedSession); Redis holds the copy read on every request.
 *
 * The keys:
 * - sessionVersionKey(userId) → current version as an integer string. It is a cache with a short TTL, so a reader that
 *   finds it missing must treat the session as unknown (not active); isSessionActive reloads it.
 * - revokedSessionKey(sid) → exists while that session is revoked.
 * The flash sale's reservation script does not read them: they live in other Redis Cluster slots than the sale's
 * keys. It trusts the short-lived purchase token instead, which `sale.purchaseToken` issues only after this check.
 */
export function sessionVersionKey(userId: string) {
  return redisKey(hashTagged("user", userId), "sv");
}

export function revokedSessionKey(sessionId: string) {
  return redisKey("session", "revoked", sessionId);
}

/**
 * How long the cached version may live without a reload. Bounds the damage of a cache write that failed after the
 * MySQL bump committed (Redis down at that instant): revoked sessions could pass for at most this long.
 */
export const SESSION_VERSION_CACHE_TTL_S = 300;

export type SessionStateDeps = { db: Db; redis: Redis; clock: Clock; config: Pick<AppConfig, "sessionMaxAgeS"> };

/** The JWT claims that decide whether a session is still valid (epoch seconds, like iat/exp). */
export type SessionClaims = { userId: string; sessionId: string; sessionVersion: number; authAt: number };

/** A decoded session's state claims, or null when one is missing (such a token is never active). */
export function sessionClaimsOf(user: { id: string; sessionId: string | null; sessionVersion?: number; authAt?: number }): SessionClaims | null {
  if (!user.sessionId || user.sessionVersion === undefined || user.authAt === undefined) return null;
  return { userId: user.id, sessionId: user.sessionId, sessionVersion: user.sessionVersion, authAt: user.authAt };
}

/**
 * Session lifetimes run on the real clock, like the JWT's own exp (checked by jose against real time). The e2e test
 * clock moves business time (sale windows, deadlines), and must not sign people out while it does.
 */
export const sessionLifetimeClock = systemClock;

/** When a session logged in at `authAt` ends no matter how active it is (epoch seconds). */
export function absoluteSessionEnd(config: SessionStateDeps["config"], authAt: number) {
  return authAt + config.sessionMaxAgeS;
}

// Raise-only write of the cached version. User.sessionVersion only grows, so a smaller value arriving late (a reader
// that loaded before a bump, or two bumps whose cache writes cross) must never replace a larger one. Returns the
// version the cache holds afterwards.
const RAISE_SESSION_VERSION = `
local current = tonumber(redis.call('GET', KEYS[1]))
local incoming = tonumber(ARGV[1])
if current == nil or current < incoming then
  redis.call('SET', KEYS[1], incoming, 'EX', ARGV[2])
  return incoming
end
return current`;

async function raiseCachedSessionVersion(redis: Redis, userId: string, version: number) {
  return Number(await redis.eval(RAISE_SESSION_VERSION, [sessionVersionKey(userId)], [version, SESSION_VERSION_CACHE_TTL_S]));
}

/**
 * Reloads one user's state from MySQL into Redis after a cache miss: revocations first, then the version, so a request
 * that finds the version cached also finds every revocation that existed when it was loaded (this is what makes a lost
 * or flushed Redis safe). Returns null for a user that no longer exists.
 */
async function reloadSessionState(deps: SessionStateDeps, userId: string) {
  const now = deps.clock.now();
  const [user, revocations] = await Promise.all([
    deps.db.user.findUnique({ where: { id: userId }, select: { sessionVersion: true } }),
    deps.db.revokedSession.findMany({ where: { userId, expiresAt: { gt: now } }, select: { sessionId: true, expiresAt: true } }),
  ]);
  if (!user) return null;

  if (revocations.length > 0) {
    const pipeline = deps.redis.pipeline();
    for (const revocation of revocations) {
      pipeline.set(revokedSessionKey(revocation.sessionId), 1, { pxat: revocation.expiresAt.getTime() });
    }
    await pipeline.exec();
  }
  const version = await raiseCachedSessionVersion(deps.redis, userId, user.sessionVersion);
  return { version, revokedSessionIds: new Set(revocations.map((revocation) => revocation.sessionId)) };
}

/** The same decision from MySQL alone, for when Redis cannot answer (two primary-key reads). */
async function isSessionActiveInDatabase(deps: SessionStateDeps, claims: SessionClaims) {
  const [user, revocation] = await Promise.all([
    deps.db.user.findUnique({ where: { id: claims.userId }, select: { sessionVersion: true } }),
    deps.db.revokedSession.findUnique({ where: { sessionId: claims.sessionId }, select: { sessionId: true } }),
  ]);
  return user !== null && revocation === null && user.sessionVersion === claims.sessionVersion;
}

/**
 * One Redis round trip (a two-command pipeline: the keys live in different hash slots, so MGET would not be
 * cluster-safe). MySQL is read only on a cache miss, or instead of Redis while Redis is unavailable.
 */
export async function isSessionActive(deps: SessionStateDeps, claims: SessionClaims): Promise<boolean> {
  const nowS = deps.clock.now().getTime() / 1000;
  if (absoluteSessionEnd(deps.config, claims.authAt) <= nowS) return false;

  let cachedVersion: number | null;
  let isRevoked: boolean;
  try {
    const [version, revoked] = await deps.redis
      .pipeline()
      .get<number>(sessionVersionKey(claims.userId))
      .exists(revokedSessionKey(claims.sessionId))
      .exec<[number | null, number]>();
    cachedVersion = version === null ? null : Number(version);
    isRevoked = revoked === 1;
  } catch (error) {
    if (!(error instanceof RedisUnavailableError)) throw error;
    return isSessionActiveInDatabase(deps, claims);
  }
  if (isRevoked) return false;
  if (cachedVersion !== null) return cachedVersion === claims.sessionVersion;

  const state = await reloadSessionState(deps, claims.userId);
  if (!state || state.revokedSessionIds.has(claims.sessionId)) return false;
  return state.version === claims.sessionVersion;
}

/**
 * Logout: this one session is refused from its next request on. Recorded in MySQL first (the source of truth that
 * survives a Redis flush), then in Redis until the session could not be valid anyway.
 */
export async function revokeSession(deps: SessionStateDeps, claims: Pick<SessionClaims, "userId" | "sessionId" | "authAt">) {
  const expiresAt = new Date(absoluteSessionEnd(deps.config, claims.authAt) * 1000);
  if (expiresAt <= deps.clock.now()) return;

  await deps.db.revokedSession.upsert({
    where: { sessionId: claims.sessionId },
    create: { sessionId: claims.sessionId, userId: claims.userId, expiresAt },
    update: {},
  });
  await deps.redis.set(revokedSessionKey(claims.sessionId), 1, { pxat: expiresAt.getTime() });
}

type SessionVersionWriter = {
  user: { update(args: { where: { id: string }; data: { sessionVersion: { increment: number } }; select: { sessionVersion: true } }): Promise<{ sessionVersion: number }> };
};

/**
 * Ends every session of a user issued before now, inside the caller's transaction (so a password change and its
 * revocation commit together). Call publishSessionVersion after the commit.
 */
export async function bumpSessionVersion(tx: SessionVersionWriter, userId: string) {
  const { sessionVersion } = await tx.user.update({
    where: { id: userId },
    data: { sessionVersion: { increment: 1 } },
    select: { sessionVersion: true },
  });
  return sessionVersion;
}

/**
 * Makes a committed bump visible to every request at once. If this throws (Redis down), the caller must report
 * failure: the bump stands in MySQL, and the cache's short TTL bounds how long the old version can still pass.
 */
export async function publishSessionVersion(deps: Pick<SessionStateDeps, "redis">, userId: string, version: number) {
  await raiseCachedSessionVersion(deps.redis, userId, version);
}

/** Log out everywhere: every session of the user, this one included, is refused from its next request on. */
export async function revokeAllSessions(deps: SessionStateDeps, input: { userId: string }) {
  const version = await deps.db.$transaction((tx) => bumpSessionVersion(tx, input.userId));
  await publishSessionVersion(deps, input.userId, version);
  return { sessionVersion: version };
}

/** Removes revocations of sessions that have expired anyway (due work). */
export async function purgeExpiredRevocations(deps: Pick<SessionStateDeps, "db" | "clock">) {
  const { count } = await deps.db.revokedSession.deleteMany({ where: { expiresAt: { lte: deps.clock.now() } } });
  return count;
}
