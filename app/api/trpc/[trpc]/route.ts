import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";

import { clientIpFromHeaders, sessionUserFromAuth } from "~/app/_trpc/context.ts";
import { toTRPCError } from "~/server/api/errors.ts";
import { appRouter } from "~/server/api/root.ts";
import { createInnerContext } from "~/server/api/trpc.ts";
import { retryAfterHeaders } from "~/server/http/retry-after.ts";
import { payloadTooLarge, readFetchBodyWithin, TRPC_MAX_BODY_BYTES, trpcErrorJson } from "~/server/http/trpc-body.ts";

/**
 * The same router through Next, for serverless hosting. Under our own server (server/main.ts) /api/trpc/* never
 * reaches Next, so this handler only runs where that server is not used.
 */
async function handler(request: Request) {
  let req = request;
  if (req.method !== "GET" && req.method !== "HEAD") {
    // The same limit as the Node server, also for chunked bodies (tRPC's fetch adapter has none of its own).
    if (Number(req.headers.get("content-length") ?? 0) > TRPC_MAX_BODY_BYTES) return payloadTooLargeResponse(req);
    let body: string;
    try {
      body = await readFetchBodyWithin(req, TRPC_MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof TRPCError && error.code === "PAYLOAD_TOO_LARGE") return payloadTooLargeResponse(req);
      throw error;
    }
    req = new Request(req.url, { method: req.method, headers: req.headers, body, signal: req.signal });
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async ({ resHeaders }) => {
      let session;
      try {
        session = await sessionUserFromAuth(req.headers);
      } catch (error) {
        // Outside any procedure, so the base middleware never sees this; tRPC would answer 500 with the raw message.
        throw toTRPCError(error, "createContext");
      }
      return createInnerContext({
        session,
        ip: clientIpFromHeaders(req.headers, "unknown"),
        origin: req.headers.get("origin"),
        host: req.headers.get("host"),
        appendResponseHeader: (name, value) => resHeaders.append(name, value),
      });
    },
    responseMeta: ({ errors }) => ({ headers: retryAfterHeaders(errors) }),
  });
}

function payloadTooLargeResponse(req: Request) {
  return new Response(trpcErrorJson(payloadTooLarge(), { type: "unknown", isBatch: new URL(req.url).searchParams.get("batch") === "1" }), {
    status: 413,
    headers: { "content-type": "application/json" },
  });
}

export { handler as GET, handler as POST };
