import type { IncomingMessage, ServerResponse } from "node:http";

import { callTRPCProcedure, TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import superjson from "superjson";

import { toTRPCError } from "~/server/api/errors.ts";
import { appRouter } from "~/server/api/root.ts";
import { createInnerContext, type Deps } from "~/server/api/trpc.ts";
import { clientIp } from "~/server/http/client-ip.ts";
import { retryAfterHeaders } from "~/server/http/retry-after.ts";
import { readBodyWithin, trpcErrorJson } from "~/server/http/trpc-body.ts";

/**
 * The flash sale's hottest procedures, served without tRPC's HTTP layer. tRPC 11's Node adapter turns every request
 * into a Fetch Request and back (≈0.25 ms here); this path parses the same wire format itself and calls the SAME
 * procedure with callTRPCProcedure (tRPC's public entry that its adapters and createCaller use), so validation,
 * middleware (CSRF, error conversion), the errorFormatter and the transformer are all tRPC's own and the client stays
 * the ordinary type-safe tRPC client. Handles single and one-call-batch requests (httpBatchLink); anything else goes
 * to the full adapter.
 */
const FAST_PROCEDURES = {
  "sale.reserve": "mutation",
  "sale.status": "query",
  "sale.queueStatus": "query",
} as const satisfies Record<string, "query" | "mutation">;
type FastPath = keyof typeof FAST_PROCEDURES;

/** Returns the procedure path when this request can take the fast path. */
export function fastPathFor(req: IncomingMessage, basePath: string): FastPath | null {
  const url = req.url ?? "";
  const queryStart = url.indexOf("?");
  const path = url.slice(basePath.length, queryStart < 0 ? undefined : queryStart);
  if (!(path in FAST_PROCEDURES)) return null;
  const query = queryStart < 0 ? "" : url.slice(queryStart + 1);
  if (query && !/^batch=1(&input=[^&]*)?$/.test(query) && !/^input=[^&]*$/.test(query)) return null;
  const expectedMethod = FAST_PROCEDURES[path as FastPath] === "mutation" ? "POST" : "GET";
  return req.method === expectedMethod ? (path as FastPath) : null;
}

function parseWireInput(raw: string | null, isBatch: boolean): unknown {
  if (!raw) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (cause) {
    throw new TRPCError({ code: "PARSE_ERROR", cause });
  }
  const serialized = isBatch ? (parsed as Record<string, unknown> | null)?.["0"] : parsed;
  if (serialized === undefined || serialized === null || typeof serialized !== "object") return undefined;
  return superjson.deserialize(serialized as Parameters<typeof superjson.deserialize>[0]);
}

export function createTrpcFastPath(options: { deps?: Deps; basePath: string; maxBodyBytes: number }) {
  return async function handleFastPath(req: IncomingMessage, res: ServerResponse, path: FastPath) {
    const type = FAST_PROCEDURES[path];
    const url = req.url ?? "";
    const isBatch = url.includes("batch=1");
    const ctx = createInnerContext({
      // Both procedures are public: reserve authenticates with its purchase token, so no cookie is decoded here.
      session: null,
      ip: clientIp(req),
      origin: req.headers.origin ?? null,
      host: req.headers.host ?? null,
      deps: options.deps,
    });
    let input: unknown;
    let status = 200;
    let body: string;
    try {
      const raw = type === "mutation" ? await readBodyWithin(req, options.maxBodyBytes) : new URL(url, "http://local").searchParams.get("input");
      input = parseWireInput(raw, isBatch);
      const output = await callTRPCProcedure({ router: appRouter, path, type, ctx, getRawInput: async () => input, signal: undefined, batchIndex: 0 });
      const payload = { result: { data: superjson.serialize(output) } };
      body = JSON.stringify(isBatch ? [payload] : payload);
    } catch (cause) {
      // Procedure errors were already converted by the base middleware; this catches the rest (body, parse).
      const error = cause instanceof TRPCError ? cause : toTRPCError(cause, path);
      status = getHTTPStatusCodeFromError(error);
      body = trpcErrorJson(error, { type, path, input, ctx, isBatch });
      for (const [name, value] of Object.entries(retryAfterHeaders([error]))) res.setHeader(name, value);
      // The rest of an oversized body may still be arriving: end the connection after this answer, don't parse it.
      if (error.code === "PAYLOAD_TOO_LARGE") res.setHeader("connection", "close");
    }
    res.writeHead(status, { "content-type": "application/json", "x-content-type-options": "nosniff", "content-length": Buffer.byteLength(body) });
    res.end(body);
  };
}
