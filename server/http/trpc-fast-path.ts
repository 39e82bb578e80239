import type { IncomingMessage, ServerResponse } from "node:http";

import { callTRPCProcedure, TRPCError, type AnyTRPCProcedure } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import superjson from "superjson";

import { toTRPCError } from "~/server/api/errors.ts";
import type { AppRouter } from "~/server/api/root.ts";
import type { Context, ProcedureMeta } from "~/server/api/trpc.ts";
import { retryAfterHeaders } from "~/server/http/retry-after.ts";
import { readBodyWithin, trpcErrorJson } from "~/server/http/trpc-body.ts";

/**
 * The flash sale's hottest procedures, served without tRPC's HTTP layer. tRPC 11's Node adapter turns every request
 * into a Fetch Request and back (≈0.25 ms here); this path parses the same wire format itself and calls the SAME
 * procedure with callTRPCProcedure (tRPC's public entry that its adapters and createCaller use), with the context the
 * adapter would build (server/http/trpc-node-context.ts, session included), so validation, middleware (CSRF, auth,
 * error conversion), the errorFormatter and the transformer are all tRPC's own and the client stays the ordinary
 * type-safe tRPC client. Handles single and one-call-batch requests (httpBatchLink); anything else goes to the full
 * adapter. A procedure opts in with `.meta({ fastPath: true })`.
 */
type FastProcedure = { type: "query" | "mutation"; ignoresSession: boolean };

/**
 * The router's procedures declared `.meta({ fastPath: true })`, by path. Read once, at startup. tRPC 11 has no public
 * way to list a router's procedures: `_def.procedures` is the flat map its own callProcedure resolves paths in (typed
 * as the nested record, but keyed by dotted path; lazy routers would be missing from it, and we have none).
 */
export function fastPathProcedures(router: AppRouter): ReadonlyMap<string, FastProcedure> {
  const found = new Map<string, FastProcedure>();
  for (const [path, procedure] of Object.entries(router._def.procedures as unknown as Record<string, AnyTRPCProcedure>)) {
    const meta = procedure.meta as ProcedureMeta | undefined;
    if (!meta?.fastPath) continue;
    const type = procedure._def.type;
    if (type === "subscription") throw new Error(`${path}: a subscription cannot take the fast path`);
    found.set(path, { type, ignoresSession: meta.ignoresSession === true });
  }
  return found;
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

export function createTrpcFastPath(options: {
  router: AppRouter;
  /** The adapter's own context factory: the fast path must see the same caller (server/http/trpc-node-context.ts). */
  createContext: (req: IncomingMessage, res: ServerResponse, options: { withoutSession: boolean }) => Promise<Context>;
  basePath: string;
  maxBodyBytes: number;
}) {
  const procedures = fastPathProcedures(options.router);

  /** Returns the procedure path when this request can take the fast path. */
  function match(req: IncomingMessage): string | null {
    const url = req.url ?? "";
    const queryStart = url.indexOf("?");
    const path = url.slice(options.basePath.length, queryStart < 0 ? undefined : queryStart);
    const procedure = procedures.get(path);
    if (!procedure) return null;
    const query = queryStart < 0 ? "" : url.slice(queryStart + 1);
    if (query && !/^batch=1(&input=[^&]*)?$/.test(query) && !/^input=[^&]*$/.test(query)) return null;
    return req.method === (procedure.type === "mutation" ? "POST" : "GET") ? path : null;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, path: string) {
    const { type, ignoresSession } = procedures.get(path)!;
    const url = req.url ?? "";
    const isBatch = url.includes("batch=1");
    let ctx: Context | undefined;
    let input: unknown;
    let status = 200;
    let body: string;
    try {
      ctx = await options.createContext(req, res, { withoutSession: ignoresSession });
      const raw = type === "mutation" ? await readBodyWithin(req, options.maxBodyBytes) : new URL(url, "http://local").searchParams.get("input");
      input = parseWireInput(raw, isBatch);
      const output = await callTRPCProcedure({ router: options.router, path, type, ctx, getRawInput: async () => input, signal: undefined, batchIndex: 0 });
      const payload = { result: { data: superjson.serialize(output) } };
      body = JSON.stringify(isBatch ? [payload] : payload);
    } catch (cause) {
      // Procedure errors were already converted by the base middleware; this catches the rest (context, body, parse).
      const error = cause instanceof TRPCError ? cause : toTRPCError(cause, path);
      status = getHTTPStatusCodeFromError(error);
      body = trpcErrorJson(error, { type, path, input, ctx, isBatch });
      for (const [name, value] of Object.entries(retryAfterHeaders([error]))) res.setHeader(name, value);
      // The rest of an oversized body may still be arriving: end the connection after this answer, don't parse it.
      if (error.code === "PAYLOAD_TOO_LARGE") res.setHeader("connection", "close");
    }
    res.writeHead(status, { "content-type": "application/json", "x-content-type-options": "nosniff", "content-length": Buffer.byteLength(body) });
    res.end(body);
  }

  return { match, handle };
}
