import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";

import { TRPCError } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";

import { toTRPCError } from "~/server/api/errors.ts";
import { appRouter } from "~/server/api/root.ts";
import { createInnerContext, type Deps } from "~/server/api/trpc.ts";
import { appDeps } from "~/server/app.ts";
import { clientIp } from "~/server/http/client-ip.ts";
import { retryAfterHeaders } from "~/server/http/retry-after.ts";
import { payloadTooLarge, readBodyWithin, TRPC_MAX_BODY_BYTES, trpcErrorJson } from "~/server/http/trpc-body.ts";
import { createTrpcFastPath, fastPathFor } from "~/server/http/trpc-fast-path.ts";
import { resolveSession } from "~/server/session.ts";

export const TRPC_BASE_PATH = "/api/trpc/";
/** Defined beside the body readers (server/http/trpc-body.ts) so the Next route handler shares it too. */
export { TRPC_MAX_BODY_BYTES };

/** 413 as a tRPC error; the connection closes after it, since the rest of the body may still be on its way. */
function refusePayloadTooLarge(req: IncomingMessage, res: ServerResponse) {
  const body = trpcErrorJson(payloadTooLarge(), { type: "unknown", isBatch: (req.url ?? "").includes("batch=1") });
  res.writeHead(413, { "content-type": "application/json", "x-content-type-options": "nosniff", "content-length": Buffer.byteLength(body), connection: "close" });
  res.end(body);
  req.resume();
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
export function createTrpcNodeHandler(options: { deps?: Deps; clientIp?: (req: IncomingMessage) => string } = {}): RequestListener {
  const ipOf = options.clientIp ?? clientIp;
  const handle = createHTTPHandler({
    router: appRouter,
    basePath: TRPC_BASE_PATH,
    maxBodySize: TRPC_MAX_BODY_BYTES,
    async createContext({ req, res }) {
      const deps = options.deps ?? appDeps();
      let session;
      try {
        // Decoded (cached) and checked against revocation (never cached): a logged-out token fails on its next call.
        session = await resolveSession(deps, req.headers.cookie);
      } catch (error) {
        // Outside any procedure, so the base middleware never sees this; tRPC would answer 500 with the raw message.
        throw toTRPCError(error, "createContext");
      }
      return createInnerContext({
        session,
        ip: ipOf(req),
        origin: requestOrigin(req),
        host: req.headers.host ?? null,
        deps: options.deps,
        appendResponseHeader: (name, value) => res.appendHeader(name, value),
      });
    },
    responseMeta: ({ errors }) => ({ headers: { "x-content-type-options": "nosniff", ...retryAfterHeaders(errors) } }),
  });
  const handleFastPath = createTrpcFastPath({ deps: options.deps, basePath: TRPC_BASE_PATH, maxBodyBytes: TRPC_MAX_BODY_BYTES });
  return (req, res) => {
    // A declared length over the limit is refused before a byte is read.
    if (Number(req.headers["content-length"] ?? 0) > TRPC_MAX_BODY_BYTES) {
      refusePayloadTooLarge(req, res);
      return;
    }
    const fastPath = fastPathFor(req, TRPC_BASE_PATH);
    if (fastPath) {
      void handleFastPath(req, res, fastPath);
      return;
    }
    if (req.method === "GET" || req.method === "HEAD") {
      void handle(req, res);
      return;
    }
    // tRPC reads a body lazily, per call, and maps an oversized chunked body to a PAYLOAD_TOO_LARGE per call (a batch
    // answered 207), or to none if no procedure reads its input. Read it here with the fast path's reader and limit,
    // and hand tRPC the text (its Node adapter takes a string req.body as the body).
    readBodyWithin(req, TRPC_MAX_BODY_BYTES).then(
      (body) => {
        (req as IncomingMessage & { body?: string }).body = body;
        void handle(req, res);
      },
      (error: unknown) => {
        if (error instanceof TRPCError && error.code === "PAYLOAD_TOO_LARGE") refusePayloadTooLarge(req, res);
        else res.destroy();
      },
    );
  };
}
