import { decode } from "next-auth/jwt";

import { env } from "~/server/env.js";

/** What the API layer knows about the caller. Built from the Auth.js JWT, never from request input. */
export type SessionUser = { id: string; role: "USER" | "ADMIN"; sessionId: string | null };

export const SESSION_COOKIE_NAMES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

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

async function decodeSessionToken(token: string, cookieName: string, nowMs: number): Promise<SessionUser | null> {
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
      };
    }
  } catch {
    user = null;
  }
  if (decodeCache.size >= DECODE_CACHE_MAX) decodeCache.clear();
  decodeCache.set(token, { user, expiresAt: nowMs + DECODE_CACHE_TTL_MS });
  return user;
}

/** Reads the caller from the Auth.js session cookie without going through Next (used by the Node tRPC server). */
export async function sessionFromCookieHeader(cookieHeader: string | undefined | null, nowMs = Date.now()) {
  if (!cookieHeader) return null;
  for (const name of SESSION_COOKIE_NAMES) {
    const token = readCookie(cookieHeader, name);
    if (token) return decodeSessionToken(token, name, nowMs);
  }
  return null;
}
