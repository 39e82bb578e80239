import { z } from "zod";

import { emailBlindIndex } from "~/server/crypto/pii.ts";
import type { DepsOf } from "~/server/deps.ts";
import { verificationCodeFields } from "~/server/domain/accounts/account-fields.ts";
import { hashLinkToken, hashVerificationCode, isSameDigest, VERIFICATION_MAX_ATTEMPTS } from "~/server/domain/accounts/email-verification.ts";
import { DomainError } from "~/server/domain/errors.ts";

export const verifyEmailInput = verificationCodeFields;
export type VerifyEmailInput = z.infer<typeof verifyEmailInput>;

export const verifyEmailLinkInput = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "인증 링크가 올바르지 않습니다."),
});
export type VerifyEmailLinkInput = z.infer<typeof verifyEmailLinkInput>;

type Deps = DepsOf<"db" | "clock">;

/** details.reason lets the UI offer "send a new code" exactly when only a new code can help. */
export type VerificationFailureReason = "WRONG_CODE" | "EXPIRED" | "TOO_MANY_ATTEMPTS" | "NO_PENDING_CODE";

function verificationFailed(reason: VerificationFailureReason, extra: { attemptsLeft?: number } = {}) {
  switch (reason) {
    case "WRONG_CODE":
      return new DomainError(
        "INVALID_INPUT",
        extra.attemptsLeft === undefined ? "인증번호가 올바르지 않습니다." : `인증번호가 올바르지 않습니다. (남은 입력 기회 ${extra.attemptsLeft}회)`,
        { details: { reason, ...extra } },
      );
    case "EXPIRED":
      return new DomainError("INVALID_STATE", "인증번호가 만료되었습니다. 새 인증번호를 받아 주세요.", { details: { reason } });
    case "TOO_MANY_ATTEMPTS":
      return new DomainError("INVALID_STATE", "입력 횟수를 초과했습니다. 새 인증번호를 받아 주세요.", { details: { reason } });
    case "NO_PENDING_CODE":
      return new DomainError("INVALID_STATE", "유효한 인증번호가 없습니다. 새 인증번호를 받아 주세요.", { details: { reason } });
  }
}

async function markVerified(deps: Deps, verification: { id: number; userId: string }) {
  const now = deps.clock.now();
  await deps.db.$transaction(async (tx) => {
    // Single use: of two requests racing with the right code, exactly one consumes it.
    const consumed = await tx.emailVerification.updateMany({ where: { id: verification.id, consumedAt: null }, data: { consumedAt: now } });
    if (consumed.count === 0) throw verificationFailed("NO_PENDING_CODE");
    await tx.user.updateMany({ where: { id: verification.userId, emailVerifiedAt: null }, data: { emailVerifiedAt: now } });
  });
}

/**
 * Checks a 6-digit code against the account's newest unused code. Each try is counted before the comparison, so even
 * parallel guesses get at most 5 tries per code. An unknown or already verified email gets the same answer as a wrong
 * code.
 */
export async function verifyEmail(deps: DepsOf<"db" | "clock" | "config">, input: VerifyEmailInput) {
  const now = deps.clock.now();
  const user = await deps.db.user.findUnique({ where: { emailIndex: emailBlindIndex(input.email, deps.config.pii) }, select: { id: true, emailVerifiedAt: true } });
  if (!user || user.emailVerifiedAt) throw verificationFailed("WRONG_CODE");

  const verification = await deps.db.emailVerification.findFirst({
    where: { userId: user.id, consumedAt: null },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true, userId: true, codeHash: true, expiresAt: true },
  });
  if (!verification) throw verificationFailed("NO_PENDING_CODE");
  if (verification.expiresAt <= now) throw verificationFailed("EXPIRED");

  const counted = await deps.db.emailVerification.updateMany({
    where: { id: verification.id, consumedAt: null, attempts: { lt: VERIFICATION_MAX_ATTEMPTS } },
    data: { attempts: { increment: 1 } },
  });
  if (counted.count === 0) throw verificationFailed("TOO_MANY_ATTEMPTS");

  if (!isSameDigest(verification.codeHash, hashVerificationCode(deps.config, user.id, input.code))) {
    const after = await deps.db.emailVerification.findUnique({ where: { id: verification.id }, select: { attempts: true } });
    throw verificationFailed("WRONG_CODE", { attemptsLeft: Math.max(0, VERIFICATION_MAX_ATTEMPTS - (after?.attempts ?? VERIFICATION_MAX_ATTEMPTS)) });
  }

  await markVerified(deps, verification);
  return { isVerified: true as const };
}

/**
 * The one-click link. The token has 256 bits, so it needs no attempt counter; it is single-use and expires with its
 * code. Opening an already used link of a verified account says so instead of failing.
 */
export async function verifyEmailLink(deps: Deps, input: VerifyEmailLinkInput) {
  const verification = await deps.db.emailVerification.findUnique({
    where: { linkTokenHash: hashLinkToken(input.token) },
    select: { id: true, userId: true, expiresAt: true, consumedAt: true, user: { select: { emailVerifiedAt: true } } },
  });
  if (!verification) throw new DomainError("NOT_FOUND", "인증 링크가 올바르지 않습니다. 새 인증번호를 받아 주세요.");
  if (verification.consumedAt) {
    if (verification.user.emailVerifiedAt) return { isVerified: true as const, wasAlreadyVerified: true };
    throw verificationFailed("NO_PENDING_CODE");
  }
  if (verification.expiresAt <= deps.clock.now()) throw verificationFailed("EXPIRED");

  await markVerified(deps, verification);
  return { isVerified: true as const, wasAlreadyVerified: false };
}
