import { describe, expect, it } from "vitest";

import { systemClock } from "~/server/clock.ts";
import { db } from "~/server/db.ts";
import { purgeExpiredAccountData, UNVERIFIED_ACCOUNT_RETENTION_DAYS } from "~/server/domain/accounts/purge-expired-account-data.ts";
import { createUser } from "~/server/testing/factories.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

describe("purge-expired-account-data (due work)", () => {
  it("removes expired revocations, old verification rows and long-unverified accounts, and keeps everything current", async () => {
    const now = Date.now();
    const verified = await createUser(db);
    const staleUnverified = await createUser(db, { verified: false });
    const freshUnverified = await createUser(db, { verified: false });
    await db.user.update({ where: { id: staleUnverified.id }, data: { createdAt: new Date(now - (UNVERIFIED_ACCOUNT_RETENTION_DAYS + 1) * DAY_MS) } });

    const expiredRevocation = crypto.randomUUID();
    const liveRevocation = crypto.randomUUID();
    await db.revokedSession.createMany({
      data: [
        { sessionId: expiredRevocation, userId: verified.id, expiresAt: new Date(now - 1_000) },
        { sessionId: liveRevocation, userId: verified.id, expiresAt: new Date(now + DAY_MS) },
      ],
    });
    const verification = (expiresAt: Date, token: string) => ({ userId: freshUnverified.id, codeHash: "0".repeat(64), linkTokenHash: token, expiresAt });
    const oldToken = crypto.randomUUID().replaceAll("-", "");
    const currentToken = crypto.randomUUID().replaceAll("-", "");
    await db.emailVerification.createMany({ data: [verification(new Date(now - 2 * DAY_MS), oldToken), verification(new Date(now + 60_000), currentToken)] });

    const result = await purgeExpiredAccountData({ db, clock: systemClock });
    expect(result.processed).toBeGreaterThanOrEqual(3);

    expect(await db.revokedSession.findUnique({ where: { sessionId: expiredRevocation } })).toBeNull();
    expect(await db.revokedSession.findUnique({ where: { sessionId: liveRevocation } })).not.toBeNull();
    expect(await db.emailVerification.findUnique({ where: { linkTokenHash: oldToken } })).toBeNull();
    expect(await db.emailVerification.findUnique({ where: { linkTokenHash: currentToken } })).not.toBeNull();
    expect(await db.user.findUnique({ where: { id: staleUnverified.id } })).toBeNull();
    expect(await db.user.findUnique({ where: { id: freshUnverified.id } })).not.toBeNull();
    expect(await db.user.findUnique({ where: { id: verified.id } })).not.toBeNull();

    // Idempotent.
    await purgeExpiredAccountData({ db, clock: systemClock });
    expect(await db.revokedSession.findUnique({ where: { sessionId: liveRevocation } })).not.toBeNull();

    await db.revokedSession.deleteMany({ where: { userId: verified.id } });
    await db.user.deleteMany({ where: { id: { in: [verified.id, freshUnverified.id] } } });
  });
});
