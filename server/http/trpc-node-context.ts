import type { IncomingMessage, ServerResponse } from "node:http";

import { toTRPCError } from "~/server/api/errors.ts";
import { createInnerContext, type Context, type Deps } from "~/server/api/trpc.ts";
import { appDeps } from "~/server/app.ts";
import { clientIp } from "~/server/http/client-ip.ts";
import { resolveSession } from "~/server/session.ts";

function requestOrigin(req: IncomingMessage) {
  const origin = req.headers.origin;
  if (origin) return origin;
  const referer = req.headers.referer;
  if (!referer) return null;
  try {
    return new URL(referer).origin;
  } catch {
    return "null";
  }
}

export type NodeContextOptions = { deps?: Deps; clientIp?: (req: IncomingMessage) => string };

/**
 * The tRPC context of a request to our Node server, built the same way for tRPC's Node adapter and for the fast path
 * (server/http/trpc-fast-path.ts), so a procedure sees the same caller whichever of the two serves it.
 */
export function createNodeContextFactory(options: NodeContextOptions = {}) {
  const ipOf = options.clientIp ?? clientIp;
  /** `withoutSession` is for procedures declared `ignoresSession` (server/api/trpc.ts ProcedureMeta). */
  return async function createNodeContext(req: IncomingMessage, res: ServerResponse, { withoutSession = false } = {}): Promise<Context> {
    const deps = options.deps ?? appDeps();
    let session = null;
    try {
      // Decoded (cached) and checked against revocation (never cached): a logged-out token fails on its next call.
      // Without a session cookie this is a header lookup and nothing else.
      if (!withoutSession) session = await resolveSession(deps, req.headers.cookie);
    } catch (error) {
      // Outside any procedure, so the base middleware never sees this; tRPC would answer 500 with the raw message.
      throw toTRPCError(error, "createContext");
    }
    return createInnerContext({
      session,
      ip: ipOf(req),
      origin: requestOrigin(req),
      host: req.headers.host ?? null,
      deps,
      appendResponseHeader: (name, value) => res.appendHeader(name, value),
    });
  };
}
