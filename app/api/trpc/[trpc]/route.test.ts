import { describe, expect, it, vi } from "vitest";

import { PAYLOAD_TOO_LARGE_MESSAGE, TRPC_MAX_BODY_BYTES } from "~/server/http/trpc-body.ts";

// The route's session helper is marked server-only, which only resolves inside Next's server bundles.
vi.mock("server-only", () => ({}));

const { POST } = await import("./route.ts");

/** A reserve input padded to `bytes` by its purchase token: valid JSON that the input schema refuses. */
function reserveBody(bytes: number) {
  const input = { json: { saleId: 1, idempotencyKey: "route-limit-1", purchaseToken: "" } };
  input.json.purchaseToken = "x".repeat(bytes - JSON.stringify(input).length);
  return JSON.stringify(input);
}

function request(body: string, framing: "content-length" | "stream") {
  const bytes = new TextEncoder().encode(body);
  const headers: Record<string, string> = { "content-type": "application/json", host: "localhost:3000" };
  if (framing === "content-length") headers["content-length"] = String(bytes.length);
  // A streamed body has no length up front, like a chunked upload.
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let offset = 0; offset < bytes.length; offset += 8 * 1024) controller.enqueue(bytes.subarray(offset, offset + 8 * 1024));
      controller.close();
    },
  });
  return new Request("http://localhost:3000/api/trpc/sale.reserve", { method: "POST", headers, body: framing === "stream" ? stream : body, duplex: "half" } as RequestInit);
}

describe("the Next route handler's body limit", () => {
  for (const framing of ["content-length", "stream"] as const) {
    it(`reads a 10 KB body (${framing}) and lets the procedure answer`, async () => {
      const response = await POST(request(reserveBody(10 * 1024), framing));
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { json: { data: { code: string; zodError: unknown } } } };
      expect(body.error.json.data).toMatchObject({ code: "BAD_REQUEST", zodError: { fieldErrors: { purchaseToken: expect.any(Array) } } });
    });

    it(`answers 413 with a tRPC error past the limit (${framing})`, async () => {
      const response = await POST(request(reserveBody(TRPC_MAX_BODY_BYTES + 1), framing));
      expect(response.status).toBe(413);
      const body = (await response.json()) as { error: { json: { message: string; data: { code: string; httpStatus: number } } } };
      expect(body.error.json).toMatchObject({ message: PAYLOAD_TOO_LARGE_MESSAGE, data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413 } });
    });
  }
});
