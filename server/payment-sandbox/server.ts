/**
 * A local stand-in for a card payment provider, shaped like Toss Payments' confirm API, running as its own process
 * (`npx tsx server/payment-sandbox/server.ts`; started by scripts/start.sh, scripts/e2e-server.sh and Vitest's global
 * setup). The app talks to it over real HTTP, so latency, declines and outages are real network behaviour.
 *
 *   POST /v1/payments/confirm               { paymentKey, orderId, amount }          → 200 payment | 4xx { code, message }
 *   POST /v1/payments/{paymentKey}/cancel   { cancelReason }                          → 200 payment | 4xx { code, message }
 *   GET  /v1/payments/{paymentKey}                                                    → 200 payment | 404
 *   GET|POST /__admin/config                { latencyMs, declineRate, outage, declineNextN } (partial on POST)
 *   GET  /__admin/stats · POST /__admin/reset
 *   GET  /__admin/payments                                                            → 200 every payment held
 *
 * /__admin/payments is the provider's own ledger (paymentKey, orderId, status DONE/CANCELED, totalAmount, …), for
 * drills and tests that compare it with ours (scripts/scenario-payments.ts); like every /__admin path it answers
 * during an outage and is not part of the /v1 API the app talks to.
 *
 * Idempotency-Key (header) makes a retried confirm or cancel return the first answer instead of charging or refunding
 * twice, even while the first call is still in flight. During an outage every non-admin connection is reset.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";

export type SandboxConfig = {
  /** Delay before each API request is processed (the charge still happens if the caller gave up meanwhile). */
  latencyMs: number;
  /** Share of confirms declined at random, 0–1. */
  declineRate: number;
  /** Reset every API connection, as a provider that is down would. */
  outage: boolean;
  /** Decline exactly the next N confirms (deterministic tests). */
  declineNextN: number;
};

export type SandboxPayment = {
  paymentKey: string;
  orderId: string;
  status: "DONE" | "CANCELED";
  method: "카드";
  totalAmount: number;
  balanceAmount: number;
  approvedAt: string;
  canceledAt: string | null;
  cancelReason: string | null;
};

export type SandboxStats = {
  /** Every /v1 request that reached the sandbox, those dropped by an outage included: what a circuit breaker saves. */
  apiRequests: number;
  confirmRequests: number;
  approved: number;
  declined: number;
  cancelled: number;
  capturedAmount: number;
  refundedAmount: number;
};

type Reply = { status: number; body: unknown };

const DEFAULT_CONFIG: SandboxConfig = { latencyMs: 0, declineRate: 0, outage: false, declineNextN: 0 };
const MAX_BODY_BYTES = 16 * 1024;
const DECLINE = { code: "REJECT_CARD_PAYMENT", message: "한도초과 혹은 잔액부족으로 결제에 실패했습니다." };

function emptyStats(): SandboxStats {
  return { apiRequests: 0, confirmRequests: 0, approved: 0, declined: 0, cancelled: 0, capturedAmount: 0, refundedAmount: 0 };
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8");
      if (body.length > MAX_BODY_BYTES) reject(new Error("body too large"));
    });
    req.on("end", () => {
      try {
        resolve(body ? JSON.parse(body) : {});
      } catch (error) {
        reject(error as Error);
      }
    });
    req.on("error", reject);
  });
}

function send(res: ServerResponse, reply: Reply) {
  if (res.destroyed) return;
  res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(reply.body));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isValidSecretKey(authorization: string | undefined) {
  if (!authorization?.startsWith("Basic ")) return false;
  const decoded = Buffer.from(authorization.slice(6), "base64").toString("utf8");
  return /^test_sk_[\w-]*:$/.test(decoded);
}

export function createPaymentSandbox(options: { random?: () => number } = {}) {
  const random = options.random ?? Math.random;
  const config: SandboxConfig = { ...DEFAULT_CONFIG };
  let stats = emptyStats();
  const payments = new Map<string, SandboxPayment>();
  // First answer per idempotency key; the promise itself is stored so concurrent retries share one execution.
  const idempotentReplies = new Map<string, Promise<Reply>>();

  function confirm(body: unknown): Reply {
    const { paymentKey, orderId, amount } = (body ?? {}) as Record<string, unknown>;
    if (typeof paymentKey !== "string" || typeof orderId !== "string" || !Number.isInteger(amount) || (amount as number) <= 0) {
      return { status: 400, body: { code: "INVALID_REQUEST", message: "잘못된 요청입니다." } };
    }
    stats.confirmRequests += 1;
    const existing = payments.get(paymentKey);
    if (existing) return { status: 400, body: { code: "ALREADY_PROCESSED_PAYMENT", message: "이미 처리된 결제 입니다." } };

    const isDeclined = config.declineNextN > 0 || random() < config.declineRate;
    if (config.declineNextN > 0) config.declineNextN -= 1;
    if (isDeclined) {
      stats.declined += 1;
      return { status: 403, body: DECLINE };
    }

    const payment: SandboxPayment = {
      paymentKey,
      orderId,
      status: "DONE",
      method: "카드",
      totalAmount: amount as number,
      balanceAmount: amount as number,
      approvedAt: new Date().toISOString(),
      canceledAt: null,
      cancelReason: null,
    };
    payments.set(paymentKey, payment);
    stats.approved += 1;
    stats.capturedAmount += payment.totalAmount;
    return { status: 200, body: payment };
  }

  function cancel(paymentKey: string, body: unknown): Reply {
    const payment = payments.get(paymentKey);
    if (!payment) return { status: 404, body: { code: "NOT_FOUND_PAYMENT", message: "존재하지 않는 결제 정보 입니다." } };
    if (payment.status === "CANCELED") return { status: 400, body: { code: "ALREADY_CANCELED_PAYMENT", message: "이미 취소된 결제 입니다." } };
    const reason = (body as { cancelReason?: unknown } | null)?.cancelReason;
    payment.status = "CANCELED";
    payment.canceledAt = new Date().toISOString();
    payment.cancelReason = typeof reason === "string" ? reason.slice(0, 200) : null;
    payment.balanceAmount = 0;
    stats.cancelled += 1;
    stats.refundedAmount += payment.totalAmount;
    return { status: 200, body: payment };
  }

  /** Runs an API call once per idempotency key; without a key every call runs. */
  function once(scope: string, idempotencyKey: string | undefined, run: () => Promise<Reply>) {
    if (!idempotencyKey) return run();
    const key = `${scope}:${idempotencyKey}`;
    let reply = idempotentReplies.get(key);
    if (!reply) {
      reply = run();
      idempotentReplies.set(key, reply);
    }
    return reply;
  }

  async function handleAdmin(req: IncomingMessage, res: ServerResponse, path: string) {
    if (path === "/__admin/config" && req.method === "GET") return send(res, { status: 200, body: config });
    if (path === "/__admin/config" && req.method === "POST") {
      const patch = (await readBody(req)) as Partial<Record<keyof SandboxConfig, unknown>>;
      if (typeof patch.latencyMs === "number" && patch.latencyMs >= 0) config.latencyMs = patch.latencyMs;
      if (typeof patch.declineRate === "number" && patch.declineRate >= 0 && patch.declineRate <= 1) config.declineRate = patch.declineRate;
      if (typeof patch.outage === "boolean") config.outage = patch.outage;
      if (typeof patch.declineNextN === "number" && Number.isInteger(patch.declineNextN) && patch.declineNextN >= 0) config.declineNextN = patch.declineNextN;
      return send(res, { status: 200, body: config });
    }
    if (path === "/__admin/stats" && req.method === "GET") return send(res, { status: 200, body: stats });
    if (path === "/__admin/payments" && req.method === "GET") return send(res, { status: 200, body: [...payments.values()] });
    if (path === "/__admin/reset" && req.method === "POST") {
      reset();
      return send(res, { status: 200, body: config });
    }
    send(res, { status: 404, body: { code: "NOT_FOUND", message: "unknown admin path" } });
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, path: string) {
    stats.apiRequests += 1;
    if (config.outage) {
      // A provider that is down: the connection drops without an answer.
      req.socket.destroy();
      return;
    }
    if (!isValidSecretKey(req.headers.authorization)) {
      return send(res, { status: 401, body: { code: "UNAUTHORIZED_KEY", message: "인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다." } });
    }
    const idempotencyKey = typeof req.headers["idempotency-key"] === "string" ? req.headers["idempotency-key"] : undefined;

    if (path === "/v1/payments/confirm" && req.method === "POST") {
      const body = await readBody(req);
      return send(res, await once("confirm", idempotencyKey, async () => (await sleep(config.latencyMs), confirm(body))));
    }
    const cancelMatch = /^\/v1\/payments\/([^/]+)\/cancel$/.exec(path);
    if (cancelMatch && req.method === "POST") {
      const body = await readBody(req);
      const paymentKey = decodeURIComponent(cancelMatch[1]!);
      return send(res, await once(`cancel:${paymentKey}`, idempotencyKey, async () => (await sleep(config.latencyMs), cancel(paymentKey, body))));
    }
    const getMatch = /^\/v1\/payments\/([^/]+)$/.exec(path);
    if (getMatch && req.method === "GET") {
      await sleep(config.latencyMs);
      const payment = payments.get(decodeURIComponent(getMatch[1]!));
      return send(res, payment ? { status: 200, body: payment } : { status: 404, body: { code: "NOT_FOUND_PAYMENT", message: "존재하지 않는 결제 정보 입니다." } });
    }
    send(res, { status: 404, body: { code: "NOT_FOUND", message: "unknown path" } });
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://sandbox").pathname;
    const handle = path.startsWith("/__admin/") ? handleAdmin : handleApi;
    handle(req, res, path).catch(() => send(res, { status: 400, body: { code: "INVALID_REQUEST", message: "잘못된 요청입니다." } }));
  });
  // Keep-alive sockets would hold close() open; the sandbox is cheap to reconnect to.
  server.keepAliveTimeout = 1_000;

  function reset() {
    Object.assign(config, DEFAULT_CONFIG);
    stats = emptyStats();
    payments.clear();
    idempotentReplies.clear();
  }

  return {
    config,
    stats: () => ({ ...stats }),
    payment: (paymentKey: string) => payments.get(paymentKey),
    payments: () => [...payments.values()],
    reset,
    async listen(port = 0, host = "127.0.0.1") {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => resolve());
      });
      const address = server.address() as AddressInfo;
      return `http://${host}:${address.port}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type PaymentSandbox = ReturnType<typeof createPaymentSandbox>;

async function main() {
  await import("~/server/load-env.ts");
  const { env } = await import("~/server/env.js");
  const sandbox = createPaymentSandbox();
  const url = await sandbox.listen(env.PAYMENT_SANDBOX_PORT, "127.0.0.1");
  console.log(`payment sandbox listening on ${url} (admin: ${url}/__admin/config)`);
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

const isRunDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isRunDirectly) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
