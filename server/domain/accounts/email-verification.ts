import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

import type { AppConfig } from "~/server/config.ts";
import { derivedKey } from "~/server/crypto/derived-key.ts";
import type { DepsOf } from "~/server/deps.ts";
import { verificationCodeEmail } from "~/server/emails/templates.ts";
import { logger } from "~/server/logger.ts";

/**
 * Email verification secrets. A code is 6 random digits (crypto.randomInt), a link token 32 random bytes. Only hashes
 * are stored: the code under a keyed HMAC bound to the user (a million possible codes would fall to a plain hash at
 * once if the table leaked), the link token under SHA-256 (256 bits need no key). Codes live 10 minutes, are
 * single-use, and die after 5 wrong attempts; a new code needs a 60-second cooldown.
 */
export const VERIFICATION_TTL_MS = 10 * 60 * 1000;
export const VERIFICATION_MAX_ATTEMPTS = 5;
export const RESEND_COOLDOWN_S = 60;

type SecretConfig = Pick<AppConfig, "authSecret">;

export function hashVerificationCode(config: SecretConfig, userId: string, code: string) {
  // Derived, not reused: AUTH_SECRET encrypts session tokens; this key only ever hashes codes.
  const key = derivedKey(config.authSecret, "flashmart:email-verification-code");
  return createHmac("sha256", key).update(`${userId}:${code}`).digest("hex");
}

export function hashLinkToken(token: string) {
  return createHash("sha256").update(token).digest("hex");
}

/** Constant-time comparison of two hex digests. */
export function isSameDigest(a: string, b: string) {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
}

export function newVerificationSecrets(config: SecretConfig, userId: string, now: Date) {
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  const linkToken = randomBytes(32).toString("base64url");
  return {
    code,
    linkToken,
    row: {
      userId,
      codeHash: hashVerificationCode(config, userId, code),
      linkTokenHash: hashLinkToken(linkToken),
      // From the injected clock, not the column default, so the cooldown and expiry agree in tests and e2e.
      createdAt: now,
      expiresAt: new Date(now.getTime() + VERIFICATION_TTL_MS),
    },
  };
}

export type VerificationMailDeps = DepsOf<"db" | "clock" | "sendEmail" | "config">;

/**
 * Sends the code and one-click link. Runs after the transaction that stored the hashes has committed; a failed
 * delivery is reported (isSent false) rather than thrown, because the account exists and "resend" recovers.
 */
export async function sendVerificationMail(deps: VerificationMailDeps, input: { to: string; name: string; code: string; linkToken: string; userId: string }) {
  const verifyUrl = new URL("/verify", deps.config.appUrl);
  verifyUrl.searchParams.set("token", input.linkToken);
  const message = verificationCodeEmail({ name: input.name, code: input.code, verifyUrl: verifyUrl.toString(), expiresInMinutes: VERIFICATION_TTL_MS / 60_000 });
  try {
    await deps.sendEmail({ db: deps.db }, { ...message, to: input.to, isSensitive: true });
    return true;
  } catch (error) {
    logger.error({ err: error, userId: input.userId }, "verification email failed");
    return false;
  }
}
