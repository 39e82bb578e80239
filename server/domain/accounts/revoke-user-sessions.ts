import { z } from "zod";

import { revokeAllSessions, type SessionStateDeps } from "~/server/domain/accounts/session-state.ts";
import { DomainError } from "~/server/domain/errors.ts";

export const revokeUserSessionsInput = z.object({ userId: z.string().min(1).max(32) });
export type RevokeUserSessionsInput = z.infer<typeof revokeUserSessionsInput>;

/** Admin force-logout of any account (a compromised one): the same version bump as "log out everywhere". */
export async function revokeUserSessions(deps: SessionStateDeps, input: RevokeUserSessionsInput) {
  const user = await deps.db.user.findUnique({ where: { id: input.userId }, select: { id: true } });
  if (!user) throw new DomainError("NOT_FOUND", "회원을 찾을 수 없습니다.");
  return revokeAllSessions(deps, { userId: user.id });
}
