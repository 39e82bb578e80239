import { createHmac } from "node:crypto";

// label → secret → key. Two levels rather than one joined key, so the reservation hot path (a purchase token verified
// per request) builds no string: V8 keeps a string's hash once computed.
const derivedKeys = new Map<string, Map<string, Buffer>>();

/**
 * A key for one purpose (`label`), derived from an app secret and computed once per secret and label. Derived, never
 * the secret itself: AUTH_SECRET also encrypts session tokens, and a signature made for one purpose must never pass
 * for another. The secret comes from `deps.config`, so a test's own config gets its own keys.
 */
export function derivedKey(secret: string, label: string) {
  let bySecret = derivedKeys.get(label);
  if (!bySecret) {
    bySecret = new Map();
    derivedKeys.set(label, bySecret);
  }
  let key = bySecret.get(secret);
  if (!key) {
    key = createHmac("sha256", secret).update(label).digest();
    bySecret.set(secret, key);
  }
  return key;
}
