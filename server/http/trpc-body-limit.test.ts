import { request } from "node:http";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PAYLOAD_TOO_LARGE_MESSAGE } from "~/server/http/trpc-body.ts";
import { TRPC_MAX_BODY_BYTES } from "~/server/http/trpc-node-handler.ts";
import { startTestServer, uniqueTestIp, TEST_CLIENT_IP_HEADER } from "~/server/testing/http.ts";

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/**
 * A POST through node:http, so the test decides the framing: with a Content-Length, or chunked with none (what a
 * streaming client sends). A reset before the answer rejects, which is what the fast path used to do.
 */
function post(url: string, body: string, framing: "content-length" | "chunked"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const bytes = Buffer.from(body);
    const headers: Record<string, string | number> = { "content-type": "application/json", [TEST_CLIENT_IP_HEADER]: uniqueTestIp() };
    if (framing === "content-length") headers["content-length"] = bytes.length;
    else headers["transfer-encoding"] = "chunked";
    const req = request(url, { method: "POST", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    for (let offset = 0; offset < bytes.length; offset += 8 * 1024) req.write(bytes.subarray(offset, offset + 8 * 1024));
    req.end();
  });
}

/**
 * Inputs (one, or a batch of `calls`) padded by one string field (a reserve's purchase token by default) to exactly
 * `bytes`: well-formed JSON that the input schema refuses (field too long), so a 400 proves the whole body reached the
 * procedure.
 */
function paddedBody(bytes: number, calls: number | "single", field = "purchaseToken") {
  const inputs = Array.from({ length: calls === "single" ? 1 : calls }, () => ({ json: { saleId: 1, idempotencyKey: "body-limit-1", [field]: "" } as Record<string, unknown> }));
  const encode = () => JSON.stringify(calls === "single" ? inputs[0] : Object.fromEntries(inputs.map((input, i) => [i, input])));
  let missing = bytes - encode().length;
  for (const [i, input] of inputs.entries()) {
    const share = i === inputs.length - 1 ? missing : Math.floor(missing / inputs.length);
    input.json[field] = "x".repeat(share);
    missing -= share;
  }
  const body = encode();
  expect(Buffer.byteLength(body)).toBe(bytes);
  return body;
}

type ErrorAnswer = { error: { json: { message: string; code: number; data: { code: string; httpStatus: number; zodError: unknown } } } };

/** tRPC answers a batch with an array; a request-level refusal may come as one object for the whole batch. */
function errorsOf(body: string): ErrorAnswer[] {
  const parsed = JSON.parse(body) as ErrorAnswer | ErrorAnswer[];
  return Array.isArray(parsed) ? parsed : [parsed];
}

describe("request body limit", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(async () => {
    await server.close();
  });

  const paths = [
    { name: "fast path", url: "/api/trpc/sale.reserve", calls: "single", field: "purchaseToken" },
    { name: "fast path, batch of one", url: "/api/trpc/sale.reserve?batch=1", calls: 1, field: "purchaseToken" },
    // Not a fast-path procedure (a public mutation whose `name` has a maximum), and a two-call batch never takes the
    // fast path: both are tRPC's own Node adapter.
    { name: "tRPC adapter", url: "/api/trpc/account.signUp", calls: "single", field: "name" },
    { name: "tRPC adapter, batch of two", url: "/api/trpc/sale.reserve,sale.queueJoin?batch=1", calls: 2, field: "purchaseToken" },
  ] as const;

  for (const { name, url, calls, field } of paths) {
    for (const framing of ["content-length", "chunked"] as const) {
      it(`${name} (${framing}): a 10 KB body is read and answered by the procedure`, async () => {
        const answer = await post(`${server.url}${url}`, paddedBody(10 * 1024, calls, field), framing);
        expect(answer.status).toBe(400);
        const errors = errorsOf(answer.body);
        expect(errors).toHaveLength(calls === "single" ? 1 : calls);
        for (const { error } of errors) {
          expect(error.json.data.code).toBe("BAD_REQUEST");
          expect(error.json.data.zodError).toMatchObject({ fieldErrors: { [field]: expect.any(Array) } });
        }
      });

      it(`${name} (${framing}): a body over the limit gets 413 with a tRPC error, not a reset`, async () => {
        const answer = await post(`${server.url}${url}`, paddedBody(70 * 1024, calls, field), framing);
        expect(answer.status).toBe(413);
        expect(answer.headers["content-type"]).toMatch(/^application\/json/);
        for (const { error } of errorsOf(answer.body)) {
          expect(error.json).toMatchObject({ message: PAYLOAD_TOO_LARGE_MESSAGE, code: -32013, data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413 } });
        }
      });
    }
  }

  it("takes a body of exactly the limit and refuses one byte more, on both paths", async () => {
    for (const [url, field] of [["/api/trpc/sale.reserve", "purchaseToken"], ["/api/trpc/account.signUp", "name"]] as const) {
      expect((await post(`${server.url}${url}`, paddedBody(TRPC_MAX_BODY_BYTES, "single", field), "chunked")).status).toBe(400);
      expect((await post(`${server.url}${url}`, paddedBody(TRPC_MAX_BODY_BYTES + 1, "single", field), "chunked")).status).toBe(413);
    }
  });
});
