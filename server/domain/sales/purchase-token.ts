import { createHmac, timingSafeEqual } from "node:crypto";

import { env } from "~/server/env.js";

/**
 * A short-lived signed pass that lets the reservation hot path authenticate a buyer in microseconds, without
 * decrypting the Auth.js session (≈0.7 ms) or asking Redis whether the session was revoked. The sale page gets one
 * from `sale.purchaseToken`, which does the full session check; a revoked session therefore keeps buying for at
 * most PURCHASE_TOKEN_TTL_S. Bound to one user and one sale.
 */
export type PurchaseTokenClaims = { userId: string; saleId: number; expiresAtMs: number };

let signingKey: Buffer | undefined;
function key() {
  // A key derived for this purpose only, so a purchase token can never be confused with any other signature.
  signingKey ??= createHmac("sha256", env.AUTH_SECRET).update("flashmart purchase token v1").digest();
  return signingKey;
}

function sign(payload: string) {
  return createHmac("sha256", key()).update(payload).digest("base64url");
}

export function issuePurchaseToken(claims: { userId: string; saleId: number }, nowMs: number) {
  const expiresAtMs = nowMs + env.PURCHASE_TOKEN_TTL_S * 1000;
  const payload = `v1.${claims.userId}.${claims.saleId}.${expiresAtMs}`;
  return { token: `${payload}.${sign(payload)}`, expiresAtMs };
}

export type PurchaseTokenCheck = { ok: true; claims: PurchaseTokenClaims } | { ok: false; reason: "MALFORMED" | "BAD_SIGNATURE" | "EXPIRED" | "WRONG_SALE" };

export function verifyPurchaseToken(token: string, expectedSaleId: number, nowMs: number): PurchaseTokenCheck {
  const parts = token.split(".");
  if (parts.length !== 5 || parts[0] !== "v1") return { ok: false, reason: "MALFORMED" };
  const [version, userId, saleIdText, expiresText, signature] = parts as [string, string, string, string, string];
  const expected = Buffer.from(sign(`${version}.${userId}.${saleIdText}.${expiresText}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "BAD_SIGNATURE" };
  const saleId = Number(saleIdText);
  const expiresAtMs = Number(expiresText);
  if (saleId !== expectedSaleId) return { ok: false, reason: "WRONG_SALE" };
  if (!(expiresAtMs > nowMs)) return { ok: false, reason: "EXPIRED" };
  return { ok: true, claims: { userId, saleId, expiresAtMs } };
}

/**
 * The waiting room's admission pass: same signature scheme, its own prefix so a purchase token can never pass as an
 * admission pass. Its expiry equals the admitted entry's expiry in Redis, which the reservation script checks too
 * (and removes on a win, so a pass works once).
 */
export function issueAdmissionPass(claims: { userId: string; saleId: number; expiresAtMs: number }) {
  const payload = `a1.${claims.userId}.${claims.saleId}.${claims.expiresAtMs}`;
  return `${payload}.${sign(payload)}`;
}

export function verifyAdmissionPass(pass: string, expected: { userId: string; saleId: number }, nowMs: number): { ok: true; expiresAtMs: number } | { ok: false; reason: "MALFORMED" | "BAD_SIGNATURE" | "EXPIRED" | "WRONG_HOLDER" } {
  const parts = pass.split(".");
  if (parts.length !== 5 || parts[0] !== "a1") return { ok: false, reason: "MALFORMED" };
  const [version, userId, saleIdText, expiresText, signature] = parts as [string, string, string, string, string];
  const expectedSignature = Buffer.from(sign(`${version}.${userId}.${saleIdText}.${expiresText}`));
  const given = Buffer.from(signature);
  if (given.length !== expectedSignature.length || !timingSafeEqual(given, expectedSignature)) return { ok: false, reason: "BAD_SIGNATURE" };
  if (userId !== expected.userId || Number(saleIdText) !== expected.saleId) return { ok: false, reason: "WRONG_HOLDER" };
  const expiresAtMs = Number(expiresText);
  if (!(expiresAtMs > nowMs)) return { ok: false, reason: "EXPIRED" };
  return { ok: true, expiresAtMs };
}
