import type { DepsOf } from "~/server/deps.ts";
import { purgeExpiredRevocations } from "~/server/domain/accounts/session-state.ts";

/** Unverified accounts are kept this long for a late "resend code", then removed with their personal data. */
export const UNVERIFIED_ACCOUNT_RETENTION_DAYS = 7;
/** Used or expired verification rows are kept a day for support questions ("I never got a code"). */
const VERIFICATION_RETENTION_MS = 24 * 60 * 60 * 1000;
const BATCH = 500;

/**
 * Due work: deletes what has no reason to exist any more — revocations of sessions that expired anyway, old
 * verification rows, and accounts never verified within the retention window. Idempotent (deletes by age only).
 */
export async function purgeExpiredAccountData(deps: DepsOf<"db" | "clock">) {
  const now = deps.clock.now();
  const revocations = await purgeExpiredRevocations(deps);
  const verifications = await deps.db.emailVerification.deleteMany({ where: { expiresAt: { lte: new Date(now.getTime() - VERIFICATION_RETENTION_MS) } } });

  // Bounded batches: a backlog must not turn into one long delete holding locks.
  const stale = await deps.db.user.findMany({
    where: { emailVerifiedAt: null, createdAt: { lte: new Date(now.getTime() - UNVERIFIED_ACCOUNT_RETENTION_DAYS * 24 * 60 * 60 * 1000) } },
    select: { id: true },
    take: BATCH,
  });
  const users = stale.length > 0 ? await deps.db.user.deleteMany({ where: { id: { in: stale.map((user) => user.id) }, emailVerifiedAt: null } }) : { count: 0 };

  return { processed: revocations + verifications.count + users.count };
}
