import type { IncomingMessage } from "node:http";

import { env } from "~/server/env.js";

/**
 * Set by our own server (server/main.ts) on every request it hands to Next, after deleting any copy the client sent,
 * so code running inside Next (Auth.js authorize, server actions, route handlers) can rate-limit by client address.
 * It is only trustworthy behind server/main.ts; a deployment without it must set TRUST_PROXY behind a proxy that
 * rewrites X-Forwarded-For.
 */
export const CLIENT_IP_HEADER = "x-flashmart-client-ip";

function firstForwardedFor(value: string | string[] | null | undefined) {
  const header = Array.isArray(value) ? value[0] : value;
  return header?.split(",")[0]?.trim() || null;
}

/** The caller's address as our Node server sees it. X-Forwarded-For is client-controlled unless TRUST_PROXY. */
export function clientIp(req: IncomingMessage) {
  if (env.TRUST_PROXY) {
    const forwarded = firstForwardedFor(req.headers["x-forwarded-for"]);
    if (forwarded) return forwarded;
  }
  return req.socket.remoteAddress ?? "unknown";
}

/** Replaces any client-sent CLIENT_IP_HEADER with the address we saw, before the request reaches Next. */
export function stampClientIp(req: IncomingMessage) {
  req.headers[CLIENT_IP_HEADER] = clientIp(req);
}

/** The caller's address inside Next (Fetch headers): the same rule as clientIp, via the header our server stamped. */
export function clientIpFromHeaders(headers: Headers, fallback = "unknown") {
  if (env.TRUST_PROXY) {
    const forwarded = firstForwardedFor(headers.get("x-forwarded-for"));
    if (forwarded) return forwarded;
  }
  return headers.get(CLIENT_IP_HEADER) || fallback;
}
