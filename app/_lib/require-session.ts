import "server-only";

import { forbidden, redirect } from "next/navigation";

import { createRscContext } from "~/app/_trpc/server.tsx";

/**
 * Page guards. Every protected page calls one itself, even though proxy.ts already gates them: a matcher mistake
 * there must not expose anything. The session is the revocation-checked one tRPC uses.
 */
export async function requireUser(returnTo: string) {
  const { session } = await createRscContext();
  if (!session) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  return session;
}

/** Anonymous → login with a return URL; signed in without the ADMIN role → 403 (app/forbidden.tsx). */
export async function requireAdmin(returnTo: string) {
  const session = await requireUser(returnTo);
  if (session.role !== "ADMIN") forbidden();
  return session;
}
