import { z } from "zod";

import { decryptPii, emailBlindIndex } from "~/server/crypto/pii.ts";
import { emailField } from "~/server/domain/accounts/account-fields.ts";
import {
  newVerificationSecrets,
  RESEND_COOLDOWN_S,
  sendVerificationMail,
  type VerificationMailDeps,
} from "~/server/domain/accounts/email-verification.ts";
import { DomainError } from "~/server/domain/errors.ts";

export const resendVerificationInput = z.object({ email: emailField });
export type ResendVerificationInput = z.infer<typeof resendVerificationInput>;

/**
 * Issues a fresh code and link, invalidating every earlier one. Unknown and already verified emails get the same
 * reply as a real resend, so this cannot be used to test which addresses have pending accounts.
 */
export async function resendVerification(deps: VerificationMailDeps, input: ResendVerificationInput) {
  const now = deps.clock.now();
  const user = await deps.db.user.findUnique({
    where: { emailIndex: emailBlindIndex(input.email, deps.config.pii) },
    select: { id: true, nameEnc: true, emailVerifiedAt: true },
  });
  if (!user || user.emailVerifiedAt) return { cooldownS: RESEND_COOLDOWN_S };

  const issued = await deps.db.$transaction(async (tx) => {
    // The user row lock serialises resends of one account, so the cooldown check and the new code agree.
    await tx.$queryRaw`SELECT id FROM \`User\` WHERE id = ${user.id} FOR UPDATE`;
    const latest = await tx.emailVerification.findFirst({
      where: { userId: user.id },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      select: { createdAt: true },
    });
    const readyAt = latest ? latest.createdAt.getTime() + RESEND_COOLDOWN_S * 1000 : 0;
    if (readyAt > now.getTime()) {
      throw new DomainError("RATE_LIMITED", "인증번호는 잠시 후 다시 받을 수 있습니다.", { retryAfterS: Math.ceil((readyAt - now.getTime()) / 1000) });
    }

    await tx.emailVerification.updateMany({ where: { userId: user.id, consumedAt: null }, data: { consumedAt: now } });
    const secrets = newVerificationSecrets(deps.config, user.id, now);
    await tx.emailVerification.create({ data: secrets.row });
    return secrets;
  });

  const isEmailSent = await sendVerificationMail(deps, {
    to: input.email,
    name: decryptPii(user.nameEnc, deps.config.pii),
    code: issued.code,
    linkToken: issued.linkToken,
    userId: user.id,
  });
  if (!isEmailSent) throw new DomainError("UNAVAILABLE", "인증 메일을 보내지 못했습니다. 잠시 후 다시 시도해 주세요.", { retryAfterS: 30 });
  return { cooldownS: RESEND_COOLDOWN_S };
}
