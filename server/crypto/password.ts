import { hash, verify, type Options } from "@node-rs/argon2";

/**
 * Password hashing: argon2id with OWASP's minimum profile (19 MiB, 2 passes, 1 lane), about 40 ms per hash here.
 * The parameters are written into every hash, so raising them later only affects new and re-hashed passwords.
 */
const ARGON2ID_OPTIONS: Options = {
  // Algorithm.Argon2id; the package exports it as a const enum, which isolatedModules cannot inline.
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

export function hashPassword(password: string) {
  return hash(password, ARGON2ID_OPTIONS);
}

/** False for a wrong password and for a malformed hash alike: a broken row must not become a way in or a 500. */
export async function verifyPassword(passwordHash: string, password: string) {
  return verify(passwordHash, password).catch(() => false);
}

// Verifying against a real hash with the same parameters when there is no user keeps "unknown email" and "wrong
// password" equally slow, so response time does not reveal which emails have accounts.
let dummyHash: Promise<string> | undefined;
export async function verifyAgainstDummyHash(password: string) {
  dummyHash ??= hashPassword("flashmart-timing-equaliser-not-a-password");
  await verifyPassword(await dummyHash, password);
  return false;
}
