import { Redis, type Requester } from "@upstash/redis";
import { afterAll, describe, expect, it } from "vitest";

import { fixedClock, systemClock } from "~/server/clock.ts";
import { configFromEnv } from "~/server/config.ts";
import { db } from "~/server/db.ts";
import {
  isSessionActive,
  publishSessionVersion,
  revokeAllSessions,
  revokedSessionKey,
  revokeSession,
  SESSION_VERSION_CACHE_TTL_S,
  sessionVersionKey,
  type SessionClaims,
} from "~/server/domain/accounts/session-state.ts";
import { createRedisClient, createRequester, redis, redisClientConfigFromEnv } from "~/server/redis.ts";
import { createUser } from "~/server/testing/factories.ts";

const nowS = () => Math.floor(Date.now() / 1000);
const deps = { db, redis, clock: systemClock, config: configFromEnv() };

async function newSession(overrides: Partial<SessionClaims> = {}): Promise<SessionClaims> {
  const user = await createUser(db);
  return { userId: user.id, sessionId: crypto.randomUUID(), sessionVersion: 0, authAt: nowS(), ...overrides };
}

describe("session state (revocation, versions, lifetimes)", () => {
  const userIds: string[] = [];
  afterAll(async () => {
    await db.revokedSession.deleteMany({ where: { userId: { in: userIds } } });
  });

  it("keeps a fresh session active and ends it when revoked, without touching the user's other sessions", async () => {
    const session = await newSession();
    const other = { ...session, sessionId: crypto.randomUUID() };
    userIds.push(session.userId);
    expect(await isSessionActive(deps, session)).toBe(true);

    await revokeSession(deps, session);
    expect(await isSessionActive(deps, session)).toBe(false);
    expect(await isSessionActive(deps, other)).toBe(true);

    const row = await db.revokedSession.findUniqueOrThrow({ where: { sessionId: session.sessionId } });
    expect(row.expiresAt.getTime()).toBe((session.authAt + deps.config.sessionMaxAgeS) * 1000);
    const ttlMs = await redis.pttl(revokedSessionKey(session.sessionId));
    expect(ttlMs).toBeGreaterThan((deps.config.sessionMaxAgeS - 60) * 1000);
  });

  it("ends every session of the user when the version is bumped; a session with the new version is active", async () => {
    const session = await newSession();
    const { sessionVersion } = await revokeAllSessions(deps, { userId: session.userId });
    expect(sessionVersion).toBe(1);
    expect(await isSessionActive(deps, session)).toBe(false);
    expect(await isSessionActive(deps, { ...session, sessionId: crypto.randomUUID(), sessionVersion: 1 })).toBe(true);
  });

  it("enforces the absolute lifetime from login, however active the session is", async () => {
    const authAt = 1_900_000_000;
    const session = await newSession({ authAt });
    const clock = fixedClock((authAt + deps.config.sessionMaxAgeS - 1) * 1000);
    expect(await isSessionActive({ ...deps, clock }, session)).toBe(true);
    clock.advance(1_000);
    expect(await isSessionActive({ ...deps, clock }, session)).toBe(false);
  });

  it("answers from one Redis round trip when the version is cached", async () => {
    const session = await newSession();
    await isSessionActive(deps, session);

    let requests = 0;
    const inner = createRequester(redisClientConfigFromEnv());
    const counting: Requester = {
      request: (req) => {
        requests += 1;
        return inner.request(req);
      },
    };
    expect(await isSessionActive({ ...deps, redis: new Redis(counting) }, session)).toBe(true);
    expect(requests).toBe(1);
    await inner.close();
  });

  it("reloads from MySQL after Redis lost its keys, revocations included", async () => {
    const session = await newSession();
    userIds.push(session.userId);
    await revokeSession(deps, session);
    // One DEL per key: they live in different hash slots (one multi-key DEL would be CROSSSLOT on a Redis Cluster).
    await Promise.all([redis.del(revokedSessionKey(session.sessionId)), redis.del(sessionVersionKey(session.userId))]);

    expect(await isSessionActive(deps, session)).toBe(false);
    expect(await redis.exists(revokedSessionKey(session.sessionId))).toBe(1);
    expect(await redis.get(sessionVersionKey(session.userId))).toBe(0);
    const ttl = await redis.ttl(sessionVersionKey(session.userId));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(SESSION_VERSION_CACHE_TTL_S);
  });

  it("never lets a late, smaller version overwrite the cache", async () => {
    const session = await newSession();
    await publishSessionVersion(deps, session.userId, 5);
    await publishSessionVersion(deps, session.userId, 3);
    expect(await redis.get(sessionVersionKey(session.userId))).toBe(5);
  });

  it("decides from MySQL alone while Redis is unreachable", async () => {
    const session = await newSession();
    const revoked = await newSession();
    userIds.push(revoked.userId);
    await revokeSession(deps, revoked);
    const deadRedis = createRedisClient({ url: "redis://127.0.0.1:1", tcp: { connectTimeoutMs: 200, onConnectionLost: () => {} } });

    expect(await isSessionActive({ ...deps, redis: deadRedis }, session)).toBe(true);
    expect(await isSessionActive({ ...deps, redis: deadRedis }, revoked)).toBe(false);
    expect(await isSessionActive({ ...deps, redis: deadRedis }, { ...session, sessionVersion: 7 })).toBe(false);
  });

  it("treats a deleted user's sessions as ended", async () => {
    const session = await newSession();
    await db.user.delete({ where: { id: session.userId } });
    expect(await isSessionActive(deps, session)).toBe(false);
  });
});
