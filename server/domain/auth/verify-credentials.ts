import { z } from "zod";

import { emailBlindIndex } from "~/server/crypto/pii.ts";
import { verifyAgainstDummyHash, verifyPassword } from "~/server/crypto/password.ts";
import type { DepsOf } from "~/server/deps.ts";

export const credentialsInput = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(128),
});
export type CredentialsInput = z.infer<typeof credentialsInput>;

export type AuthenticatedUser = { id: string; role: "USER" | "ADMIN"; sessionVersion: number };
export type VerifyCredentialsResult =
  | { ok: true; user: AuthenticatedUser }
  | { ok: false; reason: "INVALID" | "UNVERIFIED" };

/**
 * Email + password check. Unknown email and wrong password take the same time (a dummy argon2 verify) and give the
 * same answer; "unverified" is only revealed to someone who knows the password.
 */
export async function verifyCredentials(deps: DepsOf<"db" | "config">, input: CredentialsInput): Promise<VerifyCredentialsResult> {
  const user = await deps.db.user.findUnique({
    where: { emailIndex: emailBlindIndex(input.email, deps.config.pii) },
    select: { id: true, role: true, passwordHash: true, emailVerifiedAt: true, sessionVersion: true },
  });

  if (!user) {
    await verifyAgainstDummyHash(input.password);
    return { ok: false, reason: "INVALID" };
  }
  if (!(await verifyPassword(user.passwordHash, input.password))) return { ok: false, reason: "INVALID" };
  if (!user.emailVerifiedAt) return { ok: false, reason: "UNVERIFIED" };
  return { ok: true, user: { id: user.id, role: user.role, sessionVersion: user.sessionVersion } };
}
