import type { z } from "zod";

import { emailBlindIndex, encryptPii } from "~/server/crypto/pii.ts";
import { hashPassword } from "~/server/crypto/password.ts";
import { signUpFields } from "~/server/domain/accounts/account-fields.ts";
import { newVerificationSecrets, sendVerificationMail, type VerificationMailDeps } from "~/server/domain/accounts/email-verification.ts";
import { encryptAddressFields } from "~/server/domain/accounts/select.ts";
import { DomainError } from "~/server/domain/errors.ts";

export const signUpInput = signUpFields;
export type SignUpInput = z.infer<typeof signUpInput>;

/** Says that the address is taken and what to do, and nothing about the account behind it. */
export const DUPLICATE_EMAIL_MESSAGE = "이미 가입된 이메일입니다. 로그인하거나 다른 이메일로 가입해 주세요.";

function isUniqueViolation(error: unknown) {
  return typeof error === "object" && error !== null && "code" in error && error.code === "P2002";
}

/**
 * Creates an unverified account and mails a verification code and link. Nothing secret is returned: the code only
 * travels by email. An email whose account was never verified and whose last code has expired can be signed up
 * again (the abandoned account is replaced), so nobody can squat an address they cannot read.
 */
export async function signUp(deps: VerificationMailDeps, input: SignUpInput) {
  const emailIndex = emailBlindIndex(input.email, deps.config.pii);
  // ~40 ms of argon2 outside the transaction, so no row lock is held while hashing.
  const passwordHash = await hashPassword(input.password);
  const now = deps.clock.now();

  let issued: ReturnType<typeof newVerificationSecrets>;
  try {
    issued = await deps.db.$transaction(async (tx) => {
      const existing = await tx.user.findUnique({
        where: { emailIndex },
        select: {
          id: true,
          emailVerifiedAt: true,
          emailVerifications: { where: { consumedAt: null, expiresAt: { gt: now } }, select: { id: true }, take: 1 },
        },
      });
      if (existing) {
        if (existing.emailVerifiedAt || existing.emailVerifications.length > 0) throw new DomainError("CONFLICT", DUPLICATE_EMAIL_MESSAGE);
        await tx.user.delete({ where: { id: existing.id } });
      }

      const user = await tx.user.create({
        data: {
          emailIndex,
          emailEnc: encryptPii(input.email, deps.config.pii),
          nameEnc: encryptPii(input.name, deps.config.pii),
          phoneEnc: encryptPii(input.phone, deps.config.pii),
          passwordHash,
          addresses: input.address ? { create: { ...encryptAddressFields(input.address, deps.config.pii), isDefault: true } } : undefined,
        },
        select: { id: true },
      });
      const secrets = newVerificationSecrets(deps.config, user.id, now);
      await tx.emailVerification.create({ data: secrets.row });
      return secrets;
    });
  } catch (error) {
    // Two sign-ups racing for one address: the unique blind index lets exactly one win.
    if (isUniqueViolation(error)) throw new DomainError("CONFLICT", DUPLICATE_EMAIL_MESSAGE);
    throw error;
  }

  const isEmailSent = await sendVerificationMail(deps, {
    to: input.email,
    name: input.name,
    code: issued.code,
    linkToken: issued.linkToken,
    userId: issued.row.userId,
  });
  return { email: input.email, isEmailSent };
}
