import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { createTRPCClient, httpLink } from "@trpc/client";
import { encode } from "next-auth/jwt";
import superjson from "superjson";

import type { AppRouter } from "~/server/api/root.ts";
import type { Deps } from "~/server/api/trpc.ts";
import { env } from "~/server/env.js";
import { createTrpcNodeHandler } from "~/server/http/trpc-node-handler.ts";

/** The same Node tRPC handler the app serves, on a random port, optionally with injected deps (clock, db). */
export async function startTestServer(options: { deps?: Deps } = {}) {
  const handler = createTrpcNodeHandler({ deps: options.deps });
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Mints an Auth.js session cookie exactly as the login flow would, without running argon2. */
export async function sessionCookieFor(user: { id: string; role: "USER" | "ADMIN" }, options: { maxAgeS?: number } = {}) {
  const name = "authjs.session-token";
  const token = await encode({
    token: { sub: user.id, role: user.role, sid: crypto.randomUUID() },
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
