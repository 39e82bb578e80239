import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { createTRPCClient, httpLink } from "@trpc/client";
import { encode } from "next-auth/jwt";
import superjson from "superjson";

import type { AppRouter } from "~/server/api/root.ts";
import type { Deps } from "~/server/api/trpc.ts";
import { createApp } from "~/server/app.ts";
import { env } from "~/server/env.js";
import { createTrpcNodeHandler } from "~/server/http/trpc-node-handler.ts";

/** Test-only: lets a test client choose its address, so rate-limit buckets of parallel tests never meet. */
export const TEST_CLIENT_IP_HEADER = "x-test-client-ip";

/** A fresh documentation-range IPv6 address per call, for rate-limited procedures. */
export function uniqueTestIp() {
  return `2001:db8::${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`;
}

/**
 * The same Node tRPC handler the app serves, on a random port. Injected parts (clock, db, payments …) are completed
 * by the composition root, so a test names only what it replaces.
 */
export async function startTestServer(options: { deps?: Partial<Deps> } = {}) {
  const handler = createTrpcNodeHandler({
    deps: options.deps ? createApp(options.deps) : undefined,
    clientIp: (req) => {
      const testIp = req.headers[TEST_CLIENT_IP_HEADER];
      return typeof testIp === "string" ? testIp : (req.socket.remoteAddress ?? "unknown");
    },
  });
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Mints an Auth.js session cookie exactly as the login flow would, without running argon2. `sessionVersion` must match
 * the user's User.sessionVersion (0 for a fresh factory user), or the session counts as revoked.
 */
export async function sessionCookieFor(
  user: { id: string; role: "USER" | "ADMIN" },
  options: { maxAgeS?: number; sessionVersion?: number; sessionId?: string; authAt?: number } = {},
) {
  const name = "authjs.session-token";
  const token = await encode({
    token: {
      sub: user.id,
      role: user.role,
      sid: options.sessionId ?? crypto.randomUUID(),
      sv: options.sessionVersion ?? 0,
      authAt: options.authAt ?? Math.floor(Date.now() / 1000),
    },
    secret: env.AUTH_SECRET,
    salt: name,
    maxAge: options.maxAgeS ?? 3600,
  });
  return `${name}=${token}`;
}

export function createTestClient(baseUrl: string, options: { cookie?: string; headers?: Record<string, string> } = {}) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${baseUrl}/api/trpc`,
        transformer: superjson,
        headers: () => ({ ...(options.cookie ? { cookie: options.cookie } : {}), ...options.headers }),
      }),
    ],
  });
}
