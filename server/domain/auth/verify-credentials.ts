import { hash, verify } from "@node-rs/argon2";
import { z } from "zod";

import type { Db } from "~/server/db.ts";
import { emailBlindIndex } from "~/server/crypto/pii.ts";

export const credentialsInput = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(128),
});
export type CredentialsInput = z.infer<typeof credentialsInput>;

export type AuthenticatedUser = { id: string; role: "USER" | "ADMIN" };
export type VerifyCredentialsResult =
  | { ok: true; user: AuthenticatedUser }
  | { ok: false; reason: "INVALID" | "UNVERIFIED" };

// Verifying against a real argon2id hash when the email is unknown keeps both failures equally slow,
// so response time does not reveal which emails have accounts.
let dummyHash: Promise<string> | undefined;
function getDummyHash() {
  dummyHash ??= hash("flashmart-timing-equaliser-not-a-password");
  return dummyHash;
}

export async function verifyCredentials(deps: { db: Db }, input: CredentialsInput): Promise<VerifyCredentialsResult> {
  const user = await deps.db.user.findUnique({
    where: { emailIndex: emailBlindIndex(input.email) },
    select: { id: true, role: true, passwordHash: true, emailVerifiedAt: true },
  });

  if (!user) {
    await verify(await getDummyHash(), input.password).catch(() => false);
    return { ok: false, reason: "INVALID" };
  }
  const isPasswordValid = await verify(user.passwordHash, input.password).catch(() => false);
  if (!isPasswordValid) return { ok: false, reason: "INVALID" };
  if (!user.emailVerifiedAt) return { ok: false, reason: "UNVERIFIED" };
  return { ok: true, user: { id: user.id, role: user.role } };
}
