import { z } from "zod";

import { encryptPii } from "~/server/crypto/pii.ts";
import type { DepsOf } from "~/server/deps.ts";
import { profileFields } from "~/server/domain/accounts/account-fields.ts";
import { profileSelect, toProfileDto } from "~/server/domain/accounts/select.ts";
import { DomainError } from "~/server/domain/errors.ts";

export const updateProfileInput = z.object({ data: profileFields });
export type UpdateProfileInput = z.infer<typeof updateProfileInput>;

/** Name and phone only; the email is the login identity and changes through a verified flow, not here. */
export async function updateProfile(deps: DepsOf<"db" | "config">, input: UpdateProfileInput & { userId: string }) {
  const updated = await deps.db.user.updateMany({
    where: { id: input.userId },
    data: { nameEnc: encryptPii(input.data.name, deps.config.pii), phoneEnc: encryptPii(input.data.phone, deps.config.pii) },
  });
  if (updated.count === 0) throw new DomainError("NOT_FOUND", "회원 정보를 찾을 수 없습니다.");
  const row = await deps.db.user.findUniqueOrThrow({ where: { id: input.userId }, select: profileSelect });
  return toProfileDto(row, deps.config.pii);
}
