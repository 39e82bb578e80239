import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";

import { normalizeEmail } from "~/server/crypto/normalize-email.ts";

/**
 * Field-level encryption for personal data: AES-256-GCM with a random 96-bit IV per value.
 * Stored as "v1.<keyId>.<iv>.<tag>.<ciphertext>" (base64url parts) so keys can rotate: new writes use the
 * active key, old rows stay readable while their key id is still listed in PII_KEYS.
 */
export type PiiKeyring = { activeKeyId: string; keys: Map<string, Buffer>; blindIndexKey: Buffer };

export function parsePiiKeyring(keysSpec: string, activeKeyId: string, blindIndexKeyBase64: string): PiiKeyring {
  const keys = new Map<string, Buffer>();
  for (const entry of keysSpec.split(",")) {
    const [keyId, keyBase64] = entry.split(":");
    if (!keyId || !keyBase64) throw new Error("PII_KEYS entries must be keyId:base64key");
    const key = Buffer.from(keyBase64, "base64");
    if (key.length !== 32) throw new Error(`PII key ${keyId} must be 32 bytes`);
    keys.set(keyId, key);
  }
  if (!keys.has(activeKeyId)) throw new Error(`PII_ACTIVE_KEY_ID ${activeKeyId} is not in PII_KEYS`);
  const blindIndexKey = Buffer.from(blindIndexKeyBase64, "base64");
  if (blindIndexKey.length !== 32) throw new Error("PII_BLIND_INDEX_KEY must be 32 bytes");
  return { activeKeyId, keys, blindIndexKey };
}

const FORMAT_VERSION = "v1";

export function encryptPii(plaintext: string, keyring: PiiKeyring): string {
  const key = keyring.keys.get(keyring.activeKeyId)!;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  // The key id is bound as additional data so a value cannot be replayed under another key id.
  cipher.setAAD(Buffer.from(keyring.activeKeyId));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [FORMAT_VERSION, keyring.activeKeyId, iv.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(".");
}

export function decryptPii(stored: string, keyring: PiiKeyring): string {
  const [version, keyId, ivPart, tagPart, ciphertextPart] = stored.split(".");
  if (version !== FORMAT_VERSION || !keyId || !ivPart || !tagPart || ciphertextPart === undefined) {
    throw new Error("Malformed encrypted value");
  }
  const key = keyring.keys.get(keyId);
  if (!key) throw new Error(`Unknown PII key id ${keyId}`);
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(ivPart, "base64url"));
  decipher.setAAD(Buffer.from(keyId));
  decipher.setAuthTag(Buffer.from(tagPart, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertextPart, "base64url")), decipher.final()]).toString("utf8");
}

export function encryptOptionalPii(plaintext: string | null | undefined, keyring: PiiKeyring) {
  return plaintext == null ? null : encryptPii(plaintext, keyring);
}

export function decryptOptionalPii(stored: string | null | undefined, keyring: PiiKeyring) {
  return stored == null ? null : decryptPii(stored, keyring);
}

/** The key id a stored value was written with, for the re-encryption job that finishes a key rotation. */
export function piiKeyIdOf(stored: string) {
  return stored.split(".")[1];
}

export { normalizeEmail };

/** Keyed HMAC of the normalised email: an equality lookup that reveals nothing without the key. */
export function emailBlindIndex(email: string, keyring: PiiKeyring) {
  return createHmac("sha256", keyring.blindIndexKey).update(normalizeEmail(email)).digest("hex");
}
