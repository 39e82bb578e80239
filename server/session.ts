import { decode, encode } from "next-auth/jwt";

import { isSessionActive, sessionClaimsOf, sessionLifetimeClock, type SessionStateDeps } from "~/server/domain/accounts/session-state.ts";
import { env } from "~/server/env.js";

/** What the API layer knows about the caller. Built from the Auth.js JWT, never from request input. */
export type SessionUser = {
  id: string;
  role: "USER" | "ADMIN";
  sessionId: string | null;
  /** The token's session version (`sv`); with sessionId, what the flash-sale script checks against Redis. */
  sessionVersion?: number;
  /** Login time (`authAt`, epoch seconds): the absolute lifetime counts from here. */
  authAt?: number;
  /** Which cookie carried the token, so a re-issued token replaces it under the same name. */
  cookieName?: SessionCookieName;
};

export const SESSION_COOKIE_NAMES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;
export type SessionCookieName = (typeof SESSION_COOKIE_NAMES)[number];

function readCookie(cookieHeader: string, name: string): string | undefined {
  // Auth.js splits large tokens into name.0, name.1…; ours are small but handle both shapes.
  let whole: string | undefined;
  const chunks: string[] = [];
  for (const part of cookieHeader.split(";")) {
    const separator = part.indexOf("=");
    if (separator < 0) continue;
    const key = part.slice(0, separator).trim();
    if (key === name) whole = part.slice(separator + 1).trim();
    else if (key.startsWith(`${name}.`)) chunks[Number(key.slice(name.length + 1))] = part.slice(separator + 1).trim();
  }
  return whole ?? (chunks.length > 0 ? chunks.join("") : undefined);
}

// Decrypting the JWE costs ~0.7 ms; caching the result for a few seconds keeps it off the hot path.
// The cache is keyed by the whole token, so a changed or forged cookie never hits a stale entry.
const DECODE_CACHE_TTL_MS = 10_000;
const DECODE_CACHE_MAX = 50_000;
const decodeCache = new Map<string, { user: SessionUser | null; expiresAt: number }>();

async function decodeSessionToken(token: string, cookieName: SessionCookieName, nowMs: number): Promise<SessionUser | null> {
  const cached = decodeCache.get(token);
  if (cached && cached.expiresAt > nowMs) return cached.user;

  let user: SessionUser | null = null;
  try {
    const payload = await decode({ token, secret: env.AUTH_SECRET, salt: cookieName });
    if (payload?.sub && (!payload.exp || payload.exp * 1000 > nowMs)) {
      user = {
        id: payload.sub,
        role: payload.role === "ADMIN" ? "ADMIN" : "USER",
        sessionId: typeof payload.sid === "string" ? payload.sid : null,
        sessionVersion: typeof payload.sv === "number" ? payload.sv : undefined,
        authAt: typeof payload.authAt === "number" ? payload.authAt : undefined,
        cookieName,
      };
    }
  } catch {
    user = null;
  }
  if (decodeCache.size >= DECODE_CACHE_MAX) decodeCache.clear();
  decodeCache.set(token, { user, expiresAt: nowMs + DECODE_CACHE_TTL_MS });
  return user;
}

/**
 * Reads the caller from the Auth.js session cookie without going through Next. This only proves the token is genuine
 * and unexpired; use resolveSession, which also checks revocation, to authenticate a request.
 */
export async function sessionFromCookieHeader(cookieHeader: string | undefined | null, nowMs = Date.now()) {
  if (!cookieHeader) return null;
  for (const name of SESSION_COOKIE_NAMES) {
    const token = readCookie(cookieHeader, name);
    if (token) return decodeSessionToken(token, name, nowMs);
  }
  return null;
}

/** The state checks (absolute lifetime, revocation, session version) for an already decoded token. */
export async function isSessionUserActive(deps: Omit<SessionStateDeps, "clock">, user: SessionUser) {
  const claims = sessionClaimsOf(user);
  if (!claims) return false;
  return isSessionActive({ db: deps.db, redis: deps.redis, config: deps.config, clock: sessionLifetimeClock }, claims);
}

/**
 * The authenticated caller of a request, or null. The decode is cached (see above); the revocation check is not,
 * so a logout or "log out everywhere" is refused on the very next request, on every instance.
 */
export async function resolveSession(deps: Omit<SessionStateDeps, "clock">, cookieHeader: string | undefined | null) {
  const user = await sessionFromCookieHeader(cookieHeader);
  if (!user) return null;
  return (await isSessionUserActive(deps, user)) ? user : null;
}

/** The claims every FlashMart session token carries (see server/auth.ts); Auth.js adds iat, exp and jti. */
export type SessionTokenClaims = { sub: string; role: "USER" | "ADMIN"; sid: string; sv: number; authAt: number };

/**
 * The claims of a new session: at login (server/auth.ts's jwt callback) and when a password change re-issues the
 * current one. A fresh session id, the user's current session version, and the login time on the real clock, where
 * the absolute lifetime is counted (sessionLifetimeClock).
 */
export function newSessionClaims(user: { id: string; role: "USER" | "ADMIN"; sessionVersion: number }): SessionTokenClaims {
  return { sub: user.id, role: user.role, sid: crypto.randomUUID(), sv: user.sessionVersion, authAt: Math.floor(sessionLifetimeClock.now().getTime() / 1000) };
}

/**
 * A session cookie exactly as Auth.js would set it (same JWE, name and attributes). Used to re-issue the current
 * session after a password change, when Auth.js itself is not in the request path.
 */
export async function mintSessionCookie(claims: SessionTokenClaims, options: { cookieName: SessionCookieName; maxAgeS?: number }) {
  const maxAgeS = options.maxAgeS ?? env.SESSION_IDLE_TIMEOUT_S;
  const token = await encode({ token: { ...claims }, secret: env.AUTH_SECRET, salt: options.cookieName, maxAge: maxAgeS });
  const expires = new Date(sessionLifetimeClock.now().getTime() + maxAgeS * 1000).toUTCString();
  const secure = options.cookieName.startsWith("__Secure-") ? "; Secure" : "";
  return { name: options.cookieName, value: token, header: `${options.cookieName}=${token}; Path=/; Expires=${expires}; HttpOnly; SameSite=Lax${secure}` };
}

/** A Set-Cookie value that deletes the session cookie (after "log out everywhere" the current one is dead too). */
export function expiredSessionCookie(cookieName: SessionCookieName) {
  const secure = cookieName.startsWith("__Secure-") ? "; Secure" : "";
  return `${cookieName}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax${secure}`;
}
