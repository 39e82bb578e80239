import { createServer, get as httpGet, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";

import type { AppRouter } from "~/server/api/root.ts";
import type { Deps } from "~/server/api/trpc.ts";
import { createApp } from "~/server/app.ts";
import { createTrpcNodeHandler } from "~/server/http/trpc-node-handler.ts";
import { mintSessionCookie, newSessionClaims } from "~/server/session.ts";

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
 * Mints an Auth.js session cookie exactly as the login flow would (the app's one minting function), without running
 * argon2. `sessionVersion` must match the user's User.sessionVersion (0 for a fresh factory user), or the session
 * counts as revoked.
 */
export async function sessionCookieFor(
  user: { id: string; role: "USER" | "ADMIN" },
  options: { maxAgeS?: number; sessionVersion?: number; sessionId?: string; authAt?: number } = {},
) {
  const claims = newSessionClaims({ id: user.id, role: user.role, sessionVersion: options.sessionVersion ?? 0 });
  const cookie = await mintSessionCookie(
    { ...claims, sid: options.sessionId ?? claims.sid, authAt: options.authAt ?? claims.authAt },
    { cookieName: "authjs.session-token", maxAgeS: options.maxAgeS ?? 3600 },
  );
  return `${cookie.name}=${cookie.value}`;
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

/** A GET that shows the bytes as sent: fetch would ask for compression and undo it on its own. */
export function rawGet(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    httpGet(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    }).on("error", reject);
  });
}
