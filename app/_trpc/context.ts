import "server-only";

import { headers } from "next/headers";

import { appDeps } from "~/server/app.ts";
import { resolveSession, type SessionUser } from "~/server/session.ts";

export { clientIpFromHeaders } from "~/server/http/client-ip.ts";

/**
 * The caller as tRPC's context wants it, for server components and the Next route handler: the same cookie decode and
 * revocation check as the Node tRPC server (server/session.ts), so both paths agree on who is signed in.
 */
export async function sessionUserFromAuth(requestHeaders?: Headers): Promise<SessionUser | null> {
  const cookieHeader = (requestHeaders ?? (await headers())).get("cookie");
  return resolveSession(appDeps(), cookieHeader);
}
