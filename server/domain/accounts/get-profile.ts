import type { DepsOf } from "~/server/deps.ts";
import { profileSelect, toProfileDto } from "~/server/domain/accounts/select.ts";
import { DomainError } from "~/server/domain/errors.ts";

/** The signed-in user's own profile, decrypted for display. */
export async function getProfile(deps: DepsOf<"db" | "config">, input: { userId: string }) {
  const row = await deps.db.user.findUnique({ where: { id: input.userId }, select: profileSelect });
  if (!row) throw new DomainError("NOT_FOUND", "회원 정보를 찾을 수 없습니다.");
  return toProfileDto(row, deps.config.pii);
}
