import type { z } from "zod";

import { decryptPii } from "~/server/crypto/pii.ts";
import { hashPassword, verifyPassword } from "~/server/crypto/password.ts";
import type { DepsOf } from "~/server/deps.ts";
import { changePasswordFields, isPasswordEqualToEmail, PASSWORD_EQUALS_EMAIL_MESSAGE } from "~/server/domain/accounts/account-fields.ts";
import { bumpSessionVersion, publishSessionVersion } from "~/server/domain/accounts/session-state.ts";
import { DomainError } from "~/server/domain/errors.ts";

export const changePasswordInput = changePasswordFields;
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;

/**
 * Changes the password after re-checking the current one, and in the same transaction bumps the session version, so
 * every session issued before (a thief's included) ends. Returns the new version: the caller re-issues its own
 * session with it, which is how only the OTHER sessions die.
 */
export async function changePassword(deps: DepsOf<"db" | "redis" | "clock" | "config">, input: ChangePasswordInput & { userId: string }) {
  const user = await deps.db.user.findUnique({ where: { id: input.userId }, select: { passwordHash: true, emailEnc: true, role: true } });
  if (!user) throw new DomainError("NOT_FOUND", "회원 정보를 찾을 수 없습니다.");
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new DomainError("INVALID_INPUT", "현재 비밀번호가 올바르지 않습니다.", { details: { field: "currentPassword" } });
  }
  if (isPasswordEqualToEmail(input.newPassword, decryptPii(user.emailEnc, deps.config.pii))) {
    throw new DomainError("INVALID_INPUT", PASSWORD_EQUALS_EMAIL_MESSAGE, { details: { field: "newPassword" } });
  }

  const passwordHash = await hashPassword(input.newPassword);
  const sessionVersion = await deps.db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: input.userId }, data: { passwordHash }, select: { id: true } });
    return bumpSessionVersion(tx, input.userId);
  });
  await publishSessionVersion(deps, input.userId, sessionVersion);
  return { sessionVersion, role: user.role };
}
