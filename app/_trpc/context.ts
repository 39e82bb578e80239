import "server-only";

import { auth } from "~/server/auth.ts";
import { env } from "~/server/env.js";
import type { SessionUser } from "~/server/session.ts";

/**
 * The caller as tRPC's context wants it, read through Auth.js (cookies via next/headers). Used by server components
 * and by the Next route handler; the Node tRPC server decodes the same cookie itself (server/session.ts).
 */
export async function sessionUserFromAuth(): Promise<SessionUser | null> {
  const session = await auth();
  if (!session?.user?.id) return null;
  // The session id lives in the JWT only; Auth.js does not expose it on the session object.
  return { id: session.user.id, role: session.user.role, sessionId: null };
}

/**
 * Client address for rate limits. X-Forwarded-For is client-controlled unless a proxy we trust rewrites it, so it
 * is believed only with TRUST_PROXY (the same rule as server/http/trpc-node-handler.ts).
 */
export function clientIpFromHeaders(headers: Headers, fallback: string) {
  if (!env.TRUST_PROXY) return fallback;
  return headers.get("x-forwarded-for")?.split(",")[0]?.trim() || fallback;
}
