import type { IncomingMessage, RequestListener } from "node:http";

import { createHTTPHandler } from "@trpc/server/adapters/standalone";

import { appRouter } from "~/server/api/root.ts";
import { createInnerContext, defaultDeps, type Deps } from "~/server/api/trpc.ts";
import { clientIp } from "~/server/http/client-ip.ts";
import { retryAfterHeaders } from "~/server/http/retry-after.ts";
import { createTrpcFastPath, fastPathFor } from "~/server/http/trpc-fast-path.ts";
import { resolveSession } from "~/server/session.ts";

export const TRPC_BASE_PATH = "/api/trpc/";
/** tRPC inputs are small forms; anything bigger is refused before parsing (413). */
export const TRPC_MAX_BODY_BYTES = 64 * 1024;

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

/**
 * tRPC on Node's own HTTP stack: no Fetch Request/Response conversion and no Next pipeline, which is what lets the
 * sale's hot procedures run several times faster than through a route handler (figures in the README).
 */
export function createTrpcNodeHandler(options: { deps?: Deps; clientIp?: (req: IncomingMessage) => string } = {}): RequestListener {
  const ipOf = options.clientIp ?? clientIp;
  const handle = createHTTPHandler({
    router: appRouter,
    basePath: TRPC_BASE_PATH,
    maxBodySize: TRPC_MAX_BODY_BYTES,
    async createContext({ req, res }) {
      const deps = options.deps ?? defaultDeps;
      return createInnerContext({
        // Decoded (cached) and checked against revocation (never cached): a logged-out token fails on its next call.
        session: await resolveSession(deps, req.headers.cookie),
        ip: ipOf(req),
        origin: requestOrigin(req),
        host: req.headers.host ?? null,
        deps: options.deps,
        appendResponseHeader: (name, value) => res.appendHeader(name, value),
      });
    },
    responseMeta: ({ errors }) => ({ headers: { "x-content-type-options": "nosniff", ...retryAfterHeaders(errors) } }),
  });
  const handleFastPath = createTrpcFastPath({ deps: options.deps, basePath: TRPC_BASE_PATH });
  return (req, res) => {
    // tRPC only enforces maxBodySize when a procedure reads its input; refusing on the declared length first
    // keeps oversized bodies from reaching any procedure at all.
    if (Number(req.headers["content-length"] ?? 0) > TRPC_MAX_BODY_BYTES) {
      res.writeHead(413, { "content-type": "application/json", connection: "close" });
      res.end(JSON.stringify({ error: { message: "요청 본문이 너무 큽니다.", code: "PAYLOAD_TOO_LARGE" } }));
      req.resume();
      return;
    }
    const fastPath = fastPathFor(req, TRPC_BASE_PATH);
    if (fastPath) {
      void handleFastPath(req, res, fastPath);
      return;
    }
    void handle(req, res);
  };
}
