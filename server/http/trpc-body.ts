import type { IncomingMessage } from "node:http";

import { getTRPCErrorShape, TRPCError } from "@trpc/server";
import superjson from "superjson";

import { appRouter } from "~/server/api/root.ts";
import type { Context } from "~/server/api/trpc.ts";

/** tRPC inputs are small forms; anything bigger is refused with 413. The one limit of every tRPC path. */
export const TRPC_MAX_BODY_BYTES = 64 * 1024;

export const PAYLOAD_TOO_LARGE_MESSAGE = "요청 본문이 너무 큽니다.";

export function payloadTooLarge() {
  return new TRPCError({ code: "PAYLOAD_TOO_LARGE", message: PAYLOAD_TOO_LARGE_MESSAGE });
}

/**
 * Reads a request body up to `maxBytes`; beyond that it rejects with PAYLOAD_TOO_LARGE and stops collecting. The
 * stream is left flowing, so what the client still sends is read and dropped until the 413 (sent with
 * `connection: close`) is out and Node closes the socket: destroying it here reset the connection before the answer
 * could arrive.
 */
export function readBodyWithin(req: IncomingMessage, maxBytes: number) {
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      stop();
      reject(payloadTooLarge());
    };
    // Nothing to detach after the end: the hot path (sale.reserve) pays no more than the size check.
    const onEnd = () => resolve(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8"));
    // The client went away mid-body: not a failure of ours, and nobody is left to answer.
    const onError = (cause: Error) => {
      stop();
      reject(new TRPCError({ code: "CLIENT_CLOSED_REQUEST", cause }));
    };
    function stop() {
      req.off("data", onData).off("end", onEnd).off("error", onError);
    }
    req.on("data", onData).on("end", onEnd).on("error", onError);
  });
}

/**
 * The same for a Fetch Request (the Next route handler). Past the limit the rest is drained in the background rather
 * than cancelled: on Node, cancelling a request body destroys the request, and with it the socket the 413 must leave by.
 */
export async function readFetchBodyWithin(req: Request, maxBytes: number): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      void (async () => {
        while (!(await reader.read()).done);
      })().catch(() => {});
      throw payloadTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A tRPC error answer as tRPC's adapters write it (errorFormatter, then the transformer), for answers given outside
 * them: the fast path, and bodies refused before tRPC reads them.
 */
export function trpcErrorJson(error: TRPCError, options: { type: "query" | "mutation" | "unknown"; path?: string; input?: unknown; ctx?: Context; isBatch: boolean }) {
  const shape = getTRPCErrorShape({ config: appRouter._def._config, error, type: options.type, path: options.path, input: options.input, ctx: options.ctx });
  const payload = { error: superjson.serialize(shape) };
  return JSON.stringify(options.isBatch ? [payload] : payload);
}
