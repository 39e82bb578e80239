import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";

import { TRPCError } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";

import { appRouter } from "~/server/api/root.ts";
import { retryAfterHeaders } from "~/server/http/retry-after.ts";
import { payloadTooLarge, readBodyWithin, TRPC_MAX_BODY_BYTES, trpcErrorJson } from "~/server/http/trpc-body.ts";
import { createTrpcFastPath } from "~/server/http/trpc-fast-path.ts";
import { createNodeContextFactory, type NodeContextOptions } from "~/server/http/trpc-node-context.ts";

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

/**
 * tRPC on Node's own HTTP stack: no Fetch Request/Response conversion and no Next pipeline, which is what lets the
 * sale's hot procedures run several times faster than through a route handler (figures in the README).
 */
export function createTrpcNodeHandler(options: NodeContextOptions = {}): RequestListener {
  const createContext = createNodeContextFactory(options);
  const handle = createHTTPHandler({
    router: appRouter,
    basePath: TRPC_BASE_PATH,
    maxBodySize: TRPC_MAX_BODY_BYTES,
    createContext: ({ req, res }) => createContext(req, res),
    responseMeta: ({ errors }) => ({ headers: { "x-content-type-options": "nosniff", ...retryAfterHeaders(errors) } }),
  });
  const fastPath = createTrpcFastPath({ router: appRouter, createContext, basePath: TRPC_BASE_PATH, maxBodyBytes: TRPC_MAX_BODY_BYTES });
  return (req, res) => {
    // A declared length over the limit is refused before a byte is read.
    if (Number(req.headers["content-length"] ?? 0) > TRPC_MAX_BODY_BYTES) {
      refusePayloadTooLarge(req, res);
      return;
    }
    const procedure = fastPath.match(req);
    if (procedure) {
      void fastPath.handle(req, res, procedure);
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
