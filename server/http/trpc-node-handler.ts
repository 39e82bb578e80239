import type { IncomingMessage, RequestListener } from "node:http";

import { createHTTPHandler } from "@trpc/server/adapters/standalone";

import { appRouter } from "~/server/api/root.ts";
import { createInnerContext, type Deps } from "~/server/api/trpc.ts";
import { env } from "~/server/env.js";
import { sessionFromCookieHeader } from "~/server/session.ts";

export const TRPC_BASE_PATH = "/api/trpc/";
/** tRPC inputs are small forms; anything bigger is refused before parsing (413). */
export const TRPC_MAX_BODY_BYTES = 64 * 1024;

export function clientIp(req: IncomingMessage) {
  if (env.TRUST_PROXY) {
    const forwarded = req.headers["x-forwarded-for"];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? "unknown";
}

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
export function createTrpcNodeHandler(options: { deps?: Deps } = {}): RequestListener {
  const handle = createHTTPHandler({
    router: appRouter,
    basePath: TRPC_BASE_PATH,
    maxBodySize: TRPC_MAX_BODY_BYTES,
    async createContext({ req }) {
      return createInnerContext({
        session: await sessionFromCookieHeader(req.headers.cookie),
        ip: clientIp(req),
        origin: requestOrigin(req),
        host: req.headers.host ?? null,
        deps: options.deps,
      });
    },
  });
  return (req, res) => {
    // tRPC only enforces maxBodySize when a procedure reads its input; refusing on the declared length first
    // keeps oversized bodies from reaching any procedure at all.
    if (Number(req.headers["content-length"] ?? 0) > TRPC_MAX_BODY_BYTES) {
      res.writeHead(413, { "content-type": "application/json", connection: "close" });
      res.end(JSON.stringify({ error: { message: "요청 본문이 너무 큽니다.", code: "PAYLOAD_TOO_LARGE" } }));
      req.resume();
      return;
    }
    void handle(req, res);
  };
}
