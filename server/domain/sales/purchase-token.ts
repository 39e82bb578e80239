import { createHmac, timingSafeEqual } from "node:crypto";

import { derivedKey } from "~/server/crypto/derived-key.ts";
import type { DepsOf } from "~/server/deps.ts";
import { sessionClaimsOf } from "~/server/domain/accounts/session-state.ts";
import { DomainError } from "~/server/domain/errors.ts";

/**
 * A short-lived signed pass that lets the reservation hot path authenticate a buyer in microseconds, without
 * decrypting the Auth.js session (≈0.7 ms). The sale page gets one from `sale.purchaseToken`, which does the full
 * session check. It is bound to one user and one sale and carries the session it was issued to (id, version, login
 * time), so `reserve` can still refuse a session that was logged out (or logged out everywhere) since: see
 * purchase-session.ts.
 */
export type PurchaseSession = { sessionId: string; sessionVersion: number; authAt: number };
export type PurchaseTokenClaims = { userId: string; saleId: number; session: PurchaseSession; expiresAtMs: number };

/** Signing needs only the secret (and issuing the lifetime): `deps.config`, or any object carrying it. */
type TokenDeps = DepsOf<"config">;

function sign(deps: TokenDeps, payload: string) {
  // A key derived for this purpose only, so a purchase token can never be confused with any other signature.
  return createHmac("sha256", derivedKey(deps.config.authSecret, "flashmart purchase token v1")).update(payload).digest("base64url");
}

function isSignatureValid(deps: TokenDeps, payload: string, signature: string) {
  const expected = Buffer.from(sign(deps, payload));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function issuePurchaseToken(deps: TokenDeps, claims: { userId: string; saleId: number; session: PurchaseSession }, nowMs: number) {
  const expiresAtMs = nowMs + deps.config.purchaseTokenTtlS * 1000;
  const { sessionId, sessionVersion, authAt } = claims.session;
  const payload = `v2.${claims.userId}.${claims.saleId}.${sessionId}.${sessionVersion}.${authAt}.${expiresAtMs}`;
  return { token: `${payload}.${sign(deps, payload)}`, expiresAtMs };
}

/** What `sale.purchaseToken` issues for the caller's (already checked) session. */
export function issuePurchaseTokenForSession(deps: TokenDeps, user: Parameters<typeof sessionClaimsOf>[0], saleId: number, nowMs: number) {
  const claims = sessionClaimsOf(user);
  if (!claims) throw new DomainError("UNAUTHENTICATED", "로그인이 필요합니다.");
  const { userId, ...session } = claims;
  return issuePurchaseToken(deps, { userId, saleId, session }, nowMs);
}

export type PurchaseTokenCheck = { ok: true; claims: PurchaseTokenClaims } | { ok: false; reason: "MALFORMED" | "BAD_SIGNATURE" | "EXPIRED" | "WRONG_SALE" };

export function verifyPurchaseToken(deps: TokenDeps, token: string, expectedSaleId: number, nowMs: number): PurchaseTokenCheck {
  const parts = token.split(".");
  if (parts.length !== 8 || parts[0] !== "v2") return { ok: false, reason: "MALFORMED" };
  const [, userId, saleIdText, sessionId, versionText, authAtText, expiresText, signature] = parts as [string, string, string, string, string, string, string, string];
  if (!isSignatureValid(deps, parts.slice(0, 7).join("."), signature)) return { ok: false, reason: "BAD_SIGNATURE" };
  const saleId = Number(saleIdText);
  const expiresAtMs = Number(expiresText);
  if (saleId !== expectedSaleId) return { ok: false, reason: "WRONG_SALE" };
  if (!(expiresAtMs > nowMs)) return { ok: false, reason: "EXPIRED" };
  return { ok: true, claims: { userId, saleId, session: { sessionId, sessionVersion: Number(versionText), authAt: Number(authAtText) }, expiresAtMs } };
}

/**
 * The waiting room's admission pass: same signature scheme, its own prefix so a purchase token can never pass as an
 * admission pass. Its expiry equals the admitted entry's expiry in Redis, which the reservation script checks too
 * (and removes on a win, so a pass works once).
 */
export function issueAdmissionPass(deps: TokenDeps, claims: { userId: string; saleId: number; expiresAtMs: number }) {
  const payload = `a1.${claims.userId}.${claims.saleId}.${claims.expiresAtMs}`;
  return `${payload}.${sign(deps, payload)}`;
}

export function verifyAdmissionPass(deps: TokenDeps, pass: string, expected: { userId: string; saleId: number }, nowMs: number): { ok: true; expiresAtMs: number } | { ok: false; reason: "MALFORMED" | "BAD_SIGNATURE" | "EXPIRED" | "WRONG_HOLDER" } {
  const parts = pass.split(".");
  if (parts.length !== 5 || parts[0] !== "a1") return { ok: false, reason: "MALFORMED" };
  const [version, userId, saleIdText, expiresText, signature] = parts as [string, string, string, string, string];
  if (!isSignatureValid(deps, `${version}.${userId}.${saleIdText}.${expiresText}`, signature)) return { ok: false, reason: "BAD_SIGNATURE" };
  if (userId !== expected.userId || Number(saleIdText) !== expected.saleId) return { ok: false, reason: "WRONG_HOLDER" };
  const expiresAtMs = Number(expiresText);
  if (!(expiresAtMs > nowMs)) return { ok: false, reason: "EXPIRED" };
  return { ok: true, expiresAtMs };
}
