/**
 * Payment consistency drill: does money stay consistent when every winner of a sale pays at once?
 * `npm run scenario:payments [-- --winners 1000 --phase a|b|c|all --pay-cap-s 60 --resend-on-error --seed 42 --keep]`
 *
 * Everything runs for real, each in its own process: the app's tRPC API (server/testing/trpc-app-process.ts: the
 * production handler and dependencies, default pool size and payment timeouts, no due-work runner), the payment
 * sandbox (server/payment-sandbox/server.ts) on a free port, and this load generator, over keep-alive HTTP, against a
 * scratch MariaDB database and a Redis prefix of its own (both removed at the end).
 *
 *   (a) N winners of one sale (quantity N; every unit reserved through sale.reserve over HTTP with purchase tokens)
 *       pay at once through order.pay, each with its own session cookie and one of its saved addresses; provider
 *       healthy.
 *   (b) the same with a fresh sale and N fresh winners while the provider is slow (12 s), then down (10 s), then
 *       healthy; buyers retry as the pay page does (same paymentKey after UNAVAILABLE, after Retry-After; a fresh key
 *       after any other failure; stop on success, on PRECONDITION_FAILED or at the time cap). With --resend-on-error
 *       a 500 or a lost answer is first resent once with the same key, as a browser or proxy retry would.
 *   (c) key replay: A pays O1 with key K; A pays O2 (same amount) with K; B pays his own order with K.
 *
 * After each phase the drill runs due work as the in-process runner would (every operation in due-operations.ts,
 * including "reconcile-payments" when it exists), first before the holds' deadlines and then with the clock moved past
 * them, until no ledger row or refund is pending. Then it compares MySQL with the sandbox's own record of charges
 * (GET /__admin/payments). Last line: one JSON object with every figure. Exits 1 if any invariant fails.
 */
import "~/server/load-env.ts";

import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

import { databaseNameOf } from "~/scripts/migrate.ts";
import type { EmailSender } from "~/server/email.ts";
import { freePort, startTsChild, stopChildProcesses, waitForHttp } from "~/server/testing/child-processes.ts";
import { createMigratedDatabase, dropDatabase, withDatabaseName } from "~/server/testing/db-url.ts";
import { deleteRedisKeysWithPrefix } from "~/server/testing/redis-prefix.ts";
import { inPool, seededRandom } from "~/server/testing/scenario-tools.ts";

const { values: flags } = parseArgs({
  options: {
    winners: { type: "string", default: "1000" },
    phase: { type: "string", default: "all" },
    /** How long a buyer keeps retrying, from the moment everyone pressed "pay". */
    "pay-cap-s": { type: "string", default: "60" },
    /** After a 500 or no answer, resend the same paymentKey once before minting a fresh one. */
    "resend-on-error": { type: "boolean", default: false },
    /** Phase (b)'s provider timeline. */
    "latency-ms": { type: "string", default: "12000" },
    "slow-s": { type: "string", default: "15" },
    "outage-s": { type: "string", default: "10" },
    seed: { type: "string", default: "42" },
    keep: { type: "boolean", default: false },
  },
});
const winnerCount = Number(flags.winners);
const payCapMs = Number(flags["pay-cap-s"]) * 1_000;
const slowLatencyMs = Number(flags["latency-ms"]);
const slowMs = Number(flags["slow-s"]) * 1_000;
const outageMs = Number(flags["outage-s"]) * 1_000;
if (!Number.isInteger(winnerCount) || winnerCount < 1) throw new Error("--winners must be a positive integer");
if (!["a", "b", "c", "all"].includes(flags.phase)) throw new Error("--phase must be a, b, c or all");
const phasesToRun = flags.phase === "all" ? ["a", "b", "c"] : [flags.phase];

// ── Environment: a scratch database, a Redis prefix, and (if this checkout has none) throwaway secrets ─────────────
const runId = randomBytes(4).toString("hex");
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redisKeyPrefix = `fmpaydrill:${runId}:`;
// A checkout where `npm start` never ran has no .env.local secrets. Throwaway ones do for this run (the app child
// inherits them): everything signed or encrypted with them lives in the scratch database, dropped at the end.
const generatedSecrets: string[] = [];
if (!process.env.AUTH_SECRET) {
  process.env.AUTH_SECRET = randomBytes(32).toString("base64url");
  generatedSecrets.push("AUTH_SECRET");
}
if (!process.env.PII_KEYS) {
  Object.assign(process.env, { PII_KEYS: `drill:${randomBytes(32).toString("base64")}`, PII_ACTIVE_KEY_ID: "drill" });
  generatedSecrets.push("PII_KEYS");
}
if (!process.env.PII_BLIND_INDEX_KEY) {
  process.env.PII_BLIND_INDEX_KEY = randomBytes(32).toString("base64");
  generatedSecrets.push("PII_BLIND_INDEX_KEY");
}
// Outbox events go to the drill's own local handlers, never to an Inngest server.
for (const name of Object.keys(process.env)) if (name.startsWith("INNGEST_")) delete process.env[name];

const logDirectory = join(tmpdir(), `scenario-payments-${runId}`);
mkdirSync(logDirectory, { recursive: true });
const appLogPath = join(logDirectory, "app.log");
const sandboxLogPath = join(logDirectory, "sandbox.log");

// Named now, created (and migrated) inside the try below, so nothing is left behind if an import fails first.
const sharedDatabaseUrl = process.env.DATABASE_URL ?? "mysql://root@127.0.0.1:3306/flashmart";
const scratchDatabaseName = `${databaseNameOf(sharedDatabaseUrl)}_pay${runId}`;
const scratchDatabaseUrl = withDatabaseName(sharedDatabaseUrl, scratchDatabaseName);
const [appPort, sandboxPort] = [await freePort(), await freePort()];
const appUrl = `http://127.0.0.1:${appPort}`;
const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
Object.assign(process.env, {
  DATABASE_URL: scratchDatabaseUrl,
  REDIS_URL: redisUrl,
  REDIS_KEY_PREFIX: redisKeyPrefix,
  PAYMENT_PROVIDER_URL: sandboxUrl,
  DUE_WORK_RUNNER: "off",
  // This process runs due work; its warnings (refunds, reconciliation) would drown the report. The app logs to a file.
  LOG_LEVEL: "error",
});

// Imported only now, so they see the scratch database, the prefix and the sandbox.
const { Prisma } = await import("~/server/generated/prisma/client.ts");
const { db } = await import("~/server/db.ts");
const { redis } = await import("~/server/redis.ts");
const { dueOperations } = await import("~/server/domain/due-work/due-operations.ts");
const { createLocalDispatcher } = await import("~/server/domain/due-work/local-event-handlers.ts");
const { orderEventHandlers } = await import("~/server/domain/orders/order-event-handlers.ts");
const { saleEventHandlers } = await import("~/server/domain/sales/event-handlers.ts");
const { issuePurchaseToken } = await import("~/server/domain/sales/purchase-token.ts");
const { createPaymentGateway } = await import("~/server/payments/gateway.ts");
const { configFromEnv } = await import("~/server/config.ts");
const { createSaleEngine } = await import("~/server/domain/sales/sale-engine.ts");
const { createDefaultAddresses, createFlashSale, createProduct, createUsers } = await import("~/server/testing/factories.ts");
const { sessionCookieFor } = await import("~/server/testing/http.ts");
const { freshPurchaseSession } = await import("~/server/testing/sales.ts");

// ── Small tools ──────────────────────────────────────────────────────────────────────────────────────────────────
const random = seededRandom(Number(flags.seed));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
const round1 = (value: number) => Math.round(value * 10) / 10;

function percentile(sorted: number[], p: number) {
  if (sorted.length === 0) return null;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
}

/** What the pay page's widget hands it after the buyer authorises a card (pay-panel.tsx mintPaymentKey). */
const mintPaymentKey = () => `tpk_${randomUUID().replaceAll("-", "")}`;

async function sandboxAdmin(path: string, body?: unknown) {
  const response = await fetch(`${sandboxUrl}${path}`, body === undefined ? undefined : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`sandbox ${path} answered ${response.status}`);
  return response.json() as Promise<unknown>;
}

type ProviderPayment = { paymentKey: string; orderId: string; status: "DONE" | "CANCELED"; totalAmount: number };

// ── tRPC over HTTP, raw (status codes, headers and bodies are what this drill measures) ─────────────────────────
type TrpcAnswer = {
  status: number;
  ms: number;
  json: unknown;
  trpcCode: string | null;
  domainCode: string | null;
  retryAfterS: number | null;
  message: string | null;
  /** The body names a driver, pool or stack frame: internals a buyer must never see. */
  hasRawInternals: boolean;
};
const RAW_INTERNALS = /prisma|\bP\d{4}\b|\bpool\b|SqlError|mariadb|\bER_[A-Z_]+|Transaction (already closed|API error)|invalid `|ECONNRE|socket hang up|\bat \S+:\d+:\d+/i;

let inFlight = 0;
let maxInFlight = 0;

async function trpcMutation(path: string, input: unknown, cookie?: string): Promise<TrpcAnswer> {
  const startedAt = performance.now();
  inFlight += 1;
  maxInFlight = Math.max(maxInFlight, inFlight);
  try {
    const response = await fetch(`${appUrl}/api/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ json: input }),
      signal: AbortSignal.timeout(120_000),
    });
    const text = await response.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // Not tRPC's JSON: kept as text for the internals check.
    }
    const error = (json as { error?: { json?: { message?: string; data?: { code?: string; domainCode?: string | null; retryAfterS?: number | null } } } } | null)?.error?.json;
    const retryAfterHeader = Number(response.headers.get("retry-after"));
    return {
      status: response.status,
      ms: performance.now() - startedAt,
      json: (json as { result?: { data?: { json?: unknown } } } | null)?.result?.data?.json ?? null,
      trpcCode: error?.data?.code ?? null,
      domainCode: error?.data?.domainCode ?? null,
      retryAfterS: Number.isFinite(retryAfterHeader) && retryAfterHeader > 0 ? retryAfterHeader : (error?.data?.retryAfterS ?? null),
      message: error?.message ?? null,
      hasRawInternals: RAW_INTERNALS.test(text),
    };
  } catch (error) {
    // No answer at all (connection refused or dropped, or our 120 s patience ran out).
    return { status: 0, ms: performance.now() - startedAt, json: null, trpcCode: null, domainCode: null, retryAfterS: null, message: String(error), hasRawInternals: false };
  } finally {
    inFlight -= 1;
  }
}

type PayInput = { orderId: string; paymentKey: string; amount: number; addressId?: number };
type Buyer = { userId: string; cookie: string; orderId: string; amount: number; addressId?: number };
type BuyerOutcome = { outcome: "PAID" | "NOT_PAYABLE" | "REFUSED" | "GAVE_UP"; attempts: number; keys: number; endedAtMs: number };

/**
 * One buyer on the pay page (app/(shop)/orders/[id]/pay/pay-panel.tsx): only a definite answer ends an attempt, so
 * after UNAVAILABLE the same paymentKey is sent again once Retry-After has passed; any other failure (declined, an
 * error, no answer) makes the next click mint a fresh key, as a new card authorisation would. A person re-clicks
 * about a second later. With --resend-on-error a 500 or a lost answer is first resent once with the same key. Stops
 * on success, on PRECONDITION_FAILED (the order is no longer payable), on a refusal no retry can change
 * (400/401/403/404), or at the cap.
 */
async function payLikeThePayPage(buyer: Buyer, record: (answer: TrpcAnswer, attempt: number) => void, capAtMs: number): Promise<BuyerOutcome> {
  let paymentKey = mintPaymentKey();
  let keys = 1;
  let isResent = false;
  for (let attempt = 1; ; attempt += 1) {
    const answer = await trpcMutation("order.pay", { orderId: buyer.orderId, paymentKey, amount: buyer.amount, ...(buyer.addressId ? { addressId: buyer.addressId } : {}) } satisfies PayInput, buyer.cookie);
    record(answer, attempt);
    const end = (outcome: BuyerOutcome["outcome"]) => ({ outcome, attempts: attempt, keys, endedAtMs: performance.now() });
    if (answer.status === 200) return end("PAID");
    if (answer.trpcCode === "PRECONDITION_FAILED") return end("NOT_PAYABLE");
    if ([400, 401, 403, 404].includes(answer.status)) return end("REFUSED");
    const waitMs = answer.domainCode === "UNAVAILABLE" ? (answer.retryAfterS ?? 3) * 1_000 + random() * 1_000 : 1_000 + random() * 1_000;
    if (performance.now() + waitMs >= capAtMs) return end("GAVE_UP");
    await sleep(waitMs);
    if (answer.domainCode === "UNAVAILABLE") continue;
    if (flags["resend-on-error"] && (answer.status === 500 || answer.status === 0) && !isResent) {
      isResent = true;
      continue;
    }
    paymentKey = mintPaymentKey();
    keys += 1;
    isResent = false;
  }
}

// ── Pay-call statistics ──────────────────────────────────────────────────────────────────────────────────────────
function createCallLog() {
  const answers: TrpcAnswer[] = [];
  const firstAnswers: TrpcAnswer[] = [];
  return {
    record(answer: TrpcAnswer, attempt: number) {
      answers.push(answer);
      if (attempt === 1) firstAnswers.push(answer);
    },
    summary() {
      const histogram = (list: TrpcAnswer[]) => {
        const counts: Record<string, number> = {};
        for (const answer of list) {
          const key = answer.status === 0 ? "no-answer" : `${answer.status}${answer.domainCode ? ` ${answer.domainCode}` : answer.trpcCode && answer.status !== 200 ? ` ${answer.trpcCode}` : ""}`;
          counts[key] = (counts[key] ?? 0) + 1;
        }
        return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
      };
      const latencies = answers.map((answer) => answer.ms).sort((a, b) => a - b);
      return {
        payCalls: answers.length,
        httpHistogram: histogram(answers),
        firstAttemptHistogram: histogram(firstAnswers),
        http500: answers.filter((answer) => answer.status === 500).length,
        http503: answers.filter((answer) => answer.status === 503).length,
        noAnswer: answers.filter((answer) => answer.status === 0).length,
        rawInternalsInAnswers: answers.filter((answer) => answer.hasRawInternals).length,
        payP50Ms: percentile(latencies, 50),
        payP95Ms: percentile(latencies, 95),
        payP99Ms: percentile(latencies, 99),
        payMaxMs: latencies.length ? Math.round(latencies.at(-1)!) : null,
      };
    },
  };
}

/** Error lines the app logged since `fromOffset`, grouped by error code (P2028 = Prisma transaction timeout, …). */
function appErrorsSince(fromOffset: number) {
  let text = "";
  try {
    text = readFileSync(appLogPath, "utf8").slice(fromOffset);
  } catch {
    return { count: 0, byCode: {} };
  }
  const byCode: Record<string, number> = {};
  let count = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string; err?: { code?: unknown; name?: string; cause?: { code?: unknown; name?: string } } };
      if (entry.level !== "error") continue;
      count += 1;
      const code = String(entry.err?.code ?? entry.err?.cause?.code ?? entry.err?.name ?? entry.msg ?? "?");
      byCode[code] = (byCode[code] ?? 0) + 1;
    } catch {
      // A partial line.
    }
  }
  return { count, byCode };
}
const appLogLength = () => {
  try {
    return readFileSync(appLogPath, "utf8").length;
  } catch {
    return 0;
  }
};

// ── Due work, as the in-process runner would do it, on a clock the drill moves ─────────────────────────────────────
const PAID_STATUSES = new Set(["PAID", "SHIPPING", "DELIVERED", "CONFIRMED", "RETURN_REQUESTED"]);
const hasReconcilePayments = "reconcile-payments" in dueOperations;
let clockOffsetMs = 0;
const drillClock = { now: () => new Date(Date.now() + clockOffsetMs) };
// A gateway of this process's own (its own circuit breaker), pointing at the same sandbox.
const payments = createPaymentGateway({ baseUrl: sandboxUrl });
// Mail is not under test: the handlers run (with any side effect besides the mail) but nothing is rendered into the
// mailbox, which would make draining thousands of "please pay" events the slowest part of the drill.
const skipMail: EmailSender = async () => ({ id: 0 });
const config = configFromEnv();
const saleEngine = createSaleEngine({ redis, config });
const handlerDeps = { db, redis, clock: drillClock, sendEmail: skipMail, payments, config, saleEngine };
const dueDeps = { db, redis, clock: drillClock, payments, saleEngine, dispatch: createLocalDispatcher({ ...saleEventHandlers(handlerDeps), ...orderEventHandlers(handlerDeps) }) };
type DueOperation = (deps: typeof dueDeps) => Promise<{ processed?: number; failed?: number } & Record<string, unknown>>;
const operations = dueOperations as unknown as Record<string, DueOperation>;

async function pendingMoney(orderIds: string[]) {
  const [ledger, events, unpaid] = await Promise.all([
    db.$queryRaw<Array<{ n: bigint }>>`SELECT COUNT(*) AS n FROM \`Payment\` WHERE \`orderId\` IN (${Prisma.join(orderIds)}) AND \`status\` IN ('PENDING', 'REFUND_PENDING')`,
    db.$queryRaw<Array<{ n: bigint }>>`SELECT COUNT(*) AS n FROM \`OutboxEvent\` WHERE \`processedAt\` IS NULL AND \`deadAt\` IS NULL AND \`name\` LIKE 'shop/payment.%'`,
    db.order.count({ where: { id: { in: orderIds }, status: "PENDING_PAYMENT" } }),
  ]);
  return { ledger: Number(ledger[0]?.n ?? 0), refundEvents: Number(events[0]?.n ?? 0), unpaidOrders: unpaid };
}

/**
 * Operations that work through a backlog in batches, repeated within a round while they make progress. The relay
 * only while refunds are still queued: the rest of its backlog is mail (thousands of "please pay" and "paid" mails per
 * sale), not money, and one pass per round is what a runner tick does anyway.
 */
const shouldRunAgain: Record<string, (orderIds: string[]) => Promise<boolean>> = {
  "reconcile-payments": async () => true,
  "relay-outbox": async (orderIds) => (await pendingMoney(orderIds)).refundEvents > 0,
};

/**
 * Runs every due operation until nothing about money is pending: first on a clock still before the holds'
 * deadlines (reconciliation may still complete payments), then past every deadline (holds expire, their charges
 * must be given back). The clock moves forward each round, so backoffs and grace periods come due.
 */
async function settle(orderIds: string[]) {
  const startedAt = performance.now();
  const deadlines = await db.order.aggregate({ where: { id: { in: orderIds } }, _min: { paymentDueAt: true }, _max: { paymentDueAt: true } });
  const firstDueMs = deadlines._min.paymentDueAt?.getTime() ?? Date.now();
  const lastDueMs = deadlines._max.paymentDueAt?.getTime() ?? Date.now();
  const rounds: Array<Record<string, unknown>> = [];
  let pending = await pendingMoney(orderIds);

  for (const stage of ["before deadlines", "past deadlines"] as const) {
    for (let round = 0; round < (stage === "before deadlines" ? 3 : 8); round += 1) {
      clockOffsetMs =
        stage === "before deadlines"
          ? Math.min(60_000 + round * 30_000, firstDueMs - Date.now() - 5_000)
          : lastDueMs - Date.now() + 5_000 + round * 60_000;
      if (stage === "before deadlines" && clockOffsetMs < 0) break;
      const processed: Record<string, unknown> = {};
      for (const [name, operation] of Object.entries(operations)) {
        let done = 0;
        let failed = 0;
        const operationStartedAt = performance.now();
        try {
          for (let run = 0; run < 20; run += 1) {
            const result = await operation(dueDeps);
            done += result.processed ?? 0;
            failed += result.failed ?? 0;
            if (!result.processed || !(await shouldRunAgain[name]?.(orderIds))) break;
          }
          const tookS = (performance.now() - operationStartedAt) / 1000;
          if (done || failed) processed[name] = `${done}${failed ? ` (+${failed} failed)` : ""}${tookS >= 1 ? ` in ${round1(tookS)} s` : ""}`;
        } catch (error) {
          processed[name] = `threw: ${error instanceof Error ? error.message.slice(0, 80) : String(error)}`;
        }
      }
      pending = await pendingMoney(orderIds);
      rounds.push({ stage, clock: `+${Math.round(clockOffsetMs / 1000)} s`, ...processed, pendingLedger: pending.ledger, pendingRefunds: pending.refundEvents, unpaidOrders: pending.unpaidOrders });
      const isSettled = pending.ledger === 0 && pending.refundEvents === 0 && (stage === "before deadlines" || pending.unpaidOrders === 0);
      if (isSettled) break;
    }
  }
  clockOffsetMs = 0;
  return { rounds, pending, settleS: round1((performance.now() - startedAt) / 1000) };
}

// ── The money audit: MySQL against the provider's own record ─────────────────────────────────────────────────────
async function auditMoney(orderIds: string[]) {
  const orderIdSet = new Set(orderIds);
  const [orders, ledger, providerAll] = await Promise.all([
    db.order.findMany({ where: { id: { in: orderIds } }, select: { id: true, status: true, totalAmount: true } }),
    db.payment.findMany({ where: { orderId: { in: orderIds } }, select: { orderId: true, paymentKey: true, status: true, amount: true } }),
    sandboxAdmin("/__admin/payments") as Promise<ProviderPayment[]>,
  ]);
  const provider = providerAll.filter((charge) => orderIdSet.has(charge.orderId));
  const doneByOrder = new Map<string, ProviderPayment[]>();
  for (const charge of provider) if (charge.status === "DONE") doneByOrder.set(charge.orderId, [...(doneByOrder.get(charge.orderId) ?? []), charge]);
  const paid = orders.filter((order) => PAID_STATUSES.has(order.status));
  const paidIds = new Set(paid.map((order) => order.id));
  const ledgerKeys = new Set(ledger.map((row) => row.paymentKey));
  const approvedByOrder = new Map<string, number>();
  for (const row of ledger) if (row.status === "APPROVED") approvedByOrder.set(row.orderId, (approvedByOrder.get(row.orderId) ?? 0) + 1);

  const count = <T extends string>(values: T[]) => values.reduce<Record<string, number>>((counts, value) => ({ ...counts, [value]: (counts[value] ?? 0) + 1 }), {});
  const providerNet = provider.filter((charge) => charge.status === "DONE").reduce((sum, charge) => sum + charge.totalAmount, 0);
  const paidTotal = paid.reduce((sum, order) => sum + order.totalAmount, 0);
  const chargesWithoutLedger = provider.filter((charge) => !ledgerKeys.has(charge.paymentKey));
  return {
    orders: orders.length,
    orderStatuses: count(orders.map((order) => order.status)),
    paidOrders: paid.length,
    paidWithoutCapturedCharge: paid.filter((order) => !(doneByOrder.get(order.id) ?? []).some((charge) => charge.totalAmount === order.totalAmount)).length,
    paidWithExtraCharges: paid.filter((order) => (doneByOrder.get(order.id)?.length ?? 0) > 1).length,
    capturedNotPaid: provider.filter((charge) => charge.status === "DONE" && !paidIds.has(charge.orderId)).length,
    chargesWithoutLedgerRow: chargesWithoutLedger.length,
    chargesWithoutLedgerRowDone: chargesWithoutLedger.filter((charge) => charge.status === "DONE").length,
    providerCharges: count(provider.map((charge) => charge.status)),
    providerNet,
    paidTotal,
    ledgerStatuses: count(ledger.map((row) => row.status as string)),
    // The ledger's own invariant (informational here): a paid order has exactly one APPROVED row.
    paidWithoutOneApprovedRow: paid.filter((order) => approvedByOrder.get(order.id) !== 1).length,
  };
}

// ── Checks and reporting ─────────────────────────────────────────────────────────────────────────────────────────
const failures: string[] = [];
const report: Record<string, Record<string, unknown>> = {};

function check(phase: string, name: string, isOk: boolean, detail: string) {
  console.log(`  ${isOk ? "✓" : "✗"} ${name}: ${detail}`);
  if (!isOk) failures.push(`${phase}.${name}`);
}

function checkMoney(phase: string, money: Awaited<ReturnType<typeof auditMoney>>) {
  check(phase, "paidWithoutCapturedCharge", money.paidWithoutCapturedCharge === 0, `${money.paidWithoutCapturedCharge} paid orders without a DONE charge of their total (want 0)`);
  check(phase, "paidWithExtraCharges", money.paidWithExtraCharges === 0, `${money.paidWithExtraCharges} paid orders with more than one DONE charge (want 0)`);
  check(phase, "capturedNotPaid", money.capturedNotPaid === 0, `${money.capturedNotPaid} DONE charges whose order is not paid (want 0)`);
  check(phase, "chargesWithoutLedgerRow", money.chargesWithoutLedgerRow === 0, `${money.chargesWithoutLedgerRow} provider charges with no Payment row, ${money.chargesWithoutLedgerRowDone} of them still DONE (want 0)`);
  check(phase, "providerNetEqualsPaid", money.providerNet === money.paidTotal, `provider net ${money.providerNet.toLocaleString("ko-KR")}원 vs paid orders ${money.paidTotal.toLocaleString("ko-KR")}원`);
}

function checkHttp(phase: string, calls: ReturnType<ReturnType<typeof createCallLog>["summary"]>, options: { isProviderHealthy: boolean }) {
  check(phase, "http500", calls.http500 === 0, `${calls.http500} of ${calls.payCalls} pay calls answered 500 (want 0)`);
  if (options.isProviderHealthy) check(phase, "http503", calls.http503 === 0, `${calls.http503} pay calls answered 503 with a healthy provider (want 0)`);
  check(phase, "noAnswer", calls.noAnswer === 0, `${calls.noAnswer} pay calls got no HTTP answer (want 0)`);
  check(phase, "rawInternals", calls.rawInternalsInAnswers === 0, `${calls.rawInternalsInAnswers} answers carried Prisma/pool/driver text (want 0)`);
}

function checkSettled(phase: string, settled: Awaited<ReturnType<typeof settle>>) {
  if (!hasReconcilePayments) return;
  check(phase, "ledgerSettled", settled.pending.ledger === 0 && settled.pending.refundEvents === 0, `${settled.pending.ledger} ledger rows PENDING/REFUND_PENDING, ${settled.pending.refundEvents} refunds queued after due work (want 0)`);
}

// ── Phases (a) and (b): every winner of a sale pays at once ────────────────────────────────────────────────────────
/** N users, each with a saved address and a session cookie, each holding one unit won through sale.reserve over HTTP. */
async function prepareWinners(count: number) {
  const startedAt = performance.now();
  const users = await createUsers(db, count);
  const addressByUser = await createDefaultAddresses(db, users.map((user) => user.id));
  const sale = await createFlashSale(db, { opensAt: new Date(Date.now() - 1_000), quantity: count, perUserLimit: 1, holdMinutes: 10 });
  const cookies = await Promise.all(users.map((user) => sessionCookieFor(user, { maxAgeS: 3_600 })));
  const results = await inPool(users, 100, async (user) => {
    const { token } = issuePurchaseToken({ config }, { userId: user.id, saleId: sale.id, session: freshPurchaseSession() }, Date.now());
    const answer = await trpcMutation("sale.reserve", { saleId: sale.id, idempotencyKey: randomUUID(), purchaseToken: token });
    return { user, answer };
  });
  const buyers: Buyer[] = [];
  for (const [index, { user, answer }] of results.entries()) {
    const result = answer.json as { outcome?: string; orderId?: string } | null;
    if (result?.outcome !== "WON" || !result.orderId) throw new Error(`reservation ${index} did not win: HTTP ${answer.status} ${JSON.stringify(result) ?? answer.message}`);
    buyers.push({ userId: user.id, cookie: cookies[index]!, orderId: result.orderId, amount: sale.salePrice, addressId: addressByUser.get(user.id)! });
  }
  console.log(`  ${count} winners of sale ${sale.id} (quantity ${count}) reserved over HTTP (sale.reserve, purchase tokens) in ${round1((performance.now() - startedAt) / 1000)} s`);
  return { sale, buyers };
}

async function watchSoldCount(saleId: number) {
  let max = 0;
  let isRunning = true;
  const loop = (async () => {
    while (isRunning) {
      const sale = await db.sale.findUnique({ where: { id: saleId }, select: { soldCount: true } });
      max = Math.max(max, sale?.soldCount ?? 0);
      await sleep(200);
    }
  })();
  return async () => {
    isRunning = false;
    await loop;
    return max;
  };
}

async function runSalePhase(phase: "a" | "b") {
  const isFaulty = phase === "b";
  console.log(
    isFaulty
      ? `\n(b) ${winnerCount} winners pay at once; provider slow (${slowLatencyMs / 1000} s) for ${slowMs / 1000} s, then down for ${outageMs / 1000} s, then healthy`
      : `\n(a) ${winnerCount} winners pay at once; provider healthy`,
  );
  await sandboxAdmin("/__admin/config", { latencyMs: 0, outage: false, declineRate: 0, declineNextN: 0 });
  const { sale, buyers } = await prepareWinners(winnerCount);
  const logOffset = appLogLength();
  const calls = createCallLog();
  const stopWatching = await watchSoldCount(sale.id);
  maxInFlight = 0;

  if (isFaulty) await sandboxAdmin("/__admin/config", { latencyMs: slowLatencyMs });
  const startedAt = performance.now();
  const timeline = isFaulty
    ? (async () => {
        await sleep(slowMs);
        await sandboxAdmin("/__admin/config", { latencyMs: 0, outage: true });
        console.log(`  t+${round1((performance.now() - startedAt) / 1000)} s provider down`);
        await sleep(outageMs);
        await sandboxAdmin("/__admin/config", { outage: false });
        console.log(`  t+${round1((performance.now() - startedAt) / 1000)} s provider healthy again`);
      })()
    : Promise.resolve();
  // Everyone presses "pay" in the same event-loop turn: every request is in flight before the first answer.
  const outcomes = await Promise.all(buyers.map((buyer) => payLikeThePayPage(buyer, calls.record, startedAt + payCapMs)));
  const payWallS = round1((Math.max(...outcomes.map((outcome) => outcome.endedAtMs)) - startedAt) / 1000);
  await timeline;
  // A confirm the app gave up on still completes at the provider up to latencyMs later; let those land first.
  if (isFaulty) await sleep(Math.max(0, startedAt + slowMs + slowLatencyMs + 1_000 - performance.now()));
  const maxSoldCountDuringPay = await stopWatching();

  const buyerOutcomes = outcomes.reduce<Record<string, number>>((counts, outcome) => ({ ...counts, [outcome.outcome]: (counts[outcome.outcome] ?? 0) + 1 }), {});
  const attempts = outcomes.map((outcome) => outcome.attempts);
  console.log(`  every buyer finished in ${payWallS} s: ${JSON.stringify(buyerOutcomes)}; at most ${maxInFlight} pay calls in flight`);

  const settled = await settle(buyers.map((buyer) => buyer.orderId));
  console.log(`  due work (${hasReconcilePayments ? "with" : "WITHOUT"} reconcile-payments), ${settled.settleS} s:`);
  console.table(settled.rounds);
  const money = await auditMoney(buyers.map((buyer) => buyer.orderId));
  const soldCount = (await db.sale.findUniqueOrThrow({ where: { id: sale.id }, select: { soldCount: true } })).soldCount;
  const summary = calls.summary();
  const appErrors = appErrorsSince(logOffset);

  console.log(`  pay calls ${summary.payCalls}: ${JSON.stringify(summary.httpHistogram)}`);
  console.log(`  first attempts: ${JSON.stringify(summary.firstAttemptHistogram)}`);
  console.log(`  latency p50 ${summary.payP50Ms} ms, p95 ${summary.payP95Ms} ms, p99 ${summary.payP99Ms} ms, max ${summary.payMaxMs} ms`);
  console.log(`  app error log lines: ${appErrors.count} ${JSON.stringify(appErrors.byCode)}`);
  console.log(`  orders ${JSON.stringify(money.orderStatuses)}; ledger ${JSON.stringify(money.ledgerStatuses)}; provider ${JSON.stringify(money.providerCharges)}`);
  console.log(`  paid orders ${money.paidOrders}, sale.soldCount ${soldCount} (max seen while paying ${maxSoldCountDuringPay}), quantity ${sale.quantity}`);

  checkHttp(phase, summary, { isProviderHealthy: !isFaulty });
  if (!isFaulty) check(phase, "everyonePaid", money.paidOrders === buyers.length, `${money.paidOrders} of ${buyers.length} winners paid with a healthy provider within ${payCapMs / 1000} s`);
  check(phase, "soldCountEqualsPaid", soldCount === money.paidOrders, `sale.soldCount ${soldCount} vs ${money.paidOrders} paid orders`);
  check(phase, "soldCountWithinQuantity", Math.max(soldCount, maxSoldCountDuringPay) <= sale.quantity, `max soldCount ${Math.max(soldCount, maxSoldCountDuringPay)} ≤ quantity ${sale.quantity}`);
  checkMoney(phase, money);
  checkSettled(phase, settled);

  report[phase] = {
    winners: buyers.length,
    ...money,
    soldCount,
    maxSoldCountDuringPay,
    quantity: sale.quantity,
    buyerOutcomes,
    meanAttempts: round1(attempts.reduce((sum, value) => sum + value, 0) / attempts.length),
    maxInFlight,
    ...summary,
    payWallS,
    settleS: settled.settleS,
    settleRounds: settled.rounds.length,
    pendingAfterSettle: settled.pending,
    appErrorLines: appErrors.count,
    appErrorsByCode: appErrors.byCode,
  };
}

// ── Phase (c): one paymentKey, three orders ──────────────────────────────────────────────────────────────────────
async function runKeyReplayPhase() {
  const phase = "c";
  console.log("\n(c) key replay: A pays O1 with K; A pays O2 (same amount) with K; B pays his own order with K");
  await sandboxAdmin("/__admin/config", { latencyMs: 0, outage: false, declineRate: 0, declineNextN: 0 });
  const logOffset = appLogLength();
  const calls = createCallLog();
  const [userA, userB] = await createUsers(db, 2);
  const addressByUser = await createDefaultAddresses(db, [userA!.id, userB!.id]);
  const product = await createProduct(db, { name: "결제 키 재사용 점검 상품", price: 45_000, stock: 10 });
  const [cookieA, cookieB] = await Promise.all([sessionCookieFor(userA!, { maxAgeS: 3_600 }), sessionCookieFor(userB!, { maxAgeS: 3_600 })]);
  const placeOrder = async (userId: string, cookie: string) => {
    const answer = await trpcMutation("order.create", { source: { type: "product", productId: product.id, quantity: 1 }, addressId: addressByUser.get(userId)!, idempotencyKey: randomUUID() }, cookie);
    const order = answer.json as { id?: string; totalAmount?: number } | null;
    if (answer.status !== 200 || !order?.id || !order.totalAmount) throw new Error(`order.create answered ${answer.status}: ${answer.message}`);
    return { id: order.id, amount: order.totalAmount };
  };
  const o1 = await placeOrder(userA!.id, cookieA);
  const o2 = await placeOrder(userA!.id, cookieA);
  const o3 = await placeOrder(userB!.id, cookieB);
  const key = mintPaymentKey();
  const pay = async (order: { id: string; amount: number }, cookie: string) => {
    const answer = await trpcMutation("order.pay", { orderId: order.id, paymentKey: key, amount: order.amount } satisfies PayInput, cookie);
    calls.record(answer, 1);
    return answer;
  };
  const chargeOf = async (paymentKey: string) => ((await sandboxAdmin("/__admin/payments")) as ProviderPayment[]).find((charge) => charge.paymentKey === paymentKey);
  const statusOf = async (orderId: string) => (await db.order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true } })).status;

  // A's own payment; if the breaker is still open from an earlier phase, wait as the pay page would (same key).
  let first = await pay(o1, cookieA);
  for (let tries = 0; first.domainCode === "UNAVAILABLE" && tries < 10; tries += 1) {
    await sleep((first.retryAfterS ?? 3) * 1_000);
    first = await pay(o1, cookieA);
  }
  check(phase, "o1Paid", first.status === 200 && (await statusOf(o1.id)) === "PAID", `A pays O1 with K: HTTP ${first.status}, O1 ${await statusOf(o1.id)}`);

  const replaySameBuyer = await pay(o2, cookieA);
  const afterSameBuyer = { o1: await statusOf(o1.id), o2: await statusOf(o2.id), charge: (await chargeOf(key))?.status ?? "none" };
  check(phase, "replaySameBuyerRefused", replaySameBuyer.trpcCode === "CONFLICT", `A pays O2 with K: HTTP ${replaySameBuyer.status} ${replaySameBuyer.trpcCode ?? ""} (want 409 CONFLICT); O2 ${afterSameBuyer.o2}`);
  check(phase, "o1IntactAfterSameBuyerReplay", afterSameBuyer.o1 === "PAID" && afterSameBuyer.charge === "DONE", `O1 ${afterSameBuyer.o1}, its charge at the provider ${afterSameBuyer.charge} (want PAID, DONE)`);

  const replayOtherBuyer = await pay(o3, cookieB);
  const afterOtherBuyer = { o1: await statusOf(o1.id), o3: await statusOf(o3.id), charge: (await chargeOf(key))?.status ?? "none" };
  const isRefused = replayOtherBuyer.status >= 400 && replayOtherBuyer.status < 500;
  check(phase, "replayOtherBuyerRefused", isRefused && afterOtherBuyer.o3 !== "PAID", `B pays O3 with K: HTTP ${replayOtherBuyer.status} ${replayOtherBuyer.trpcCode ?? ""} (want a 4xx refusal); O3 ${afterOtherBuyer.o3}`);
  check(phase, "o1IntactAfterOtherBuyerReplay", afterOtherBuyer.o1 === "PAID" && afterOtherBuyer.charge === "DONE", `O1 ${afterOtherBuyer.o1}, its charge at the provider ${afterOtherBuyer.charge} (want PAID, DONE)`);

  const orderIds = [o1.id, o2.id, o3.id];
  const settled = await settle(orderIds);
  console.log(`  due work (${hasReconcilePayments ? "with" : "WITHOUT"} reconcile-payments), ${settled.settleS} s:`);
  console.table(settled.rounds);
  const money = await auditMoney(orderIds);
  const summary = calls.summary();
  const appErrors = appErrorsSince(logOffset);
  const finalO1 = { status: await statusOf(o1.id), charge: (await chargeOf(key))?.status ?? "none" };
  console.log(`  orders ${JSON.stringify(money.orderStatuses)}; ledger ${JSON.stringify(money.ledgerStatuses)}; provider ${JSON.stringify(money.providerCharges)}; app error log lines ${appErrors.count}`);
  check(phase, "o1IntactAfterDueWork", finalO1.status === "PAID" && finalO1.charge === "DONE", `after due work O1 ${finalO1.status}, charge ${finalO1.charge}`);
  checkHttp(phase, summary, { isProviderHealthy: false });
  checkMoney(phase, money);
  checkSettled(phase, settled);

  report[phase] = {
    ...money,
    payO1: first.status,
    replaySameBuyer: `${replaySameBuyer.status} ${replaySameBuyer.trpcCode ?? ""}`.trim(),
    replayOtherBuyer: `${replayOtherBuyer.status} ${replayOtherBuyer.trpcCode ?? ""}`.trim(),
    o1AfterReplays: afterOtherBuyer.o1,
    o1ChargeAfterReplays: afterOtherBuyer.charge,
    o1ChargeAfterDueWork: finalO1.charge,
    ...summary,
    settleS: settled.settleS,
    pendingAfterSettle: settled.pending,
    appErrorLines: appErrors.count,
    appErrorsByCode: appErrors.byCode,
  };
}

// ── Main ─────────────────────────────────────────────────────────────────────────────────────────────────────────
let isCleanedUp = false;
async function cleanUp() {
  if (isCleanedUp) return;
  isCleanedUp = true;
  await stopChildProcesses();
  await db.$disconnect().catch(() => undefined);
  if (flags.keep) console.log(`kept database ${scratchDatabaseName} and Redis keys ${redisKeyPrefix}*`);
  else {
    await dropDatabase(scratchDatabaseUrl).catch((error: unknown) => console.error("could not drop the scratch database:", error));
    await deleteRedisKeysWithPrefix(redisUrl, redisKeyPrefix).catch((error: unknown) => console.error("could not delete the Redis keys:", error));
  }
}
let interruptedBy: NodeJS.Signals | null = null;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  // `on`, not `once`: Ctrl-C reaches this process twice (from the terminal and relayed by tsx), and a second signal
  // without a handler would kill it before the scratch database is dropped.
  process.on(signal, () => {
    if (interruptedBy) return;
    interruptedBy = signal;
    console.error(`\n${signal}: stopping the app and the sandbox, dropping the scratch database`);
    void cleanUp().finally(() => process.exit(130));
  });
}

const startedAt = performance.now();
try {
  if (generatedSecrets.length > 0) console.log(`(no ${generatedSecrets.join(", ")} configured: using throwaway values for this run)`);
  console.log(`Payment drill ${runId}: database ${scratchDatabaseName}, Redis prefix ${redisKeyPrefix}, logs in ${logDirectory}`);
  await createMigratedDatabase(sharedDatabaseUrl, scratchDatabaseName);
  const sandbox = startTsChild({ entry: "server/payment-sandbox/server.ts", env: { PAYMENT_SANDBOX_PORT: String(sandboxPort), NODE_ENV: "production" }, logPath: sandboxLogPath });
  const app = startTsChild({
    entry: "server/testing/trpc-app-process.ts",
    env: {
      NODE_ENV: "production",
      PORT: String(appPort),
      LOG_LEVEL: "warn",
      // Empty means "the app's default" (env.js treats empty strings as unset, and .env files never override them).
      DATABASE_POOL_SIZE: "",
      PAYMENT_TIMEOUT_MS: "",
      // Every simulated buyer reserves from 127.0.0.1; the per-IP reservation limit is not what this drill tests.
      SALE_RESERVE_IP_LIMIT: "1000000000",
    },
    logPath: appLogPath,
  });
  await waitForHttp(`${sandboxUrl}/__admin/config`, { child: sandbox });
  await waitForHttp(`${appUrl}/api/trpc/system.noop`, { init: { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }, child: app });
  console.log(`app (tRPC API, production handler, default pool and payment timeouts) on ${appUrl}; payment sandbox on ${sandboxUrl}`);
  if (!hasReconcilePayments) console.warn('⚠ due-operations.ts has no "reconcile-payments" yet: reconciliation is skipped (expiry and the outbox relay still run)');

  for (const phase of phasesToRun) {
    if (phase === "c") await runKeyReplayPhase();
    else await runSalePhase(phase as "a" | "b");
  }
} catch (error) {
  // After a signal the children are gone on purpose; what failed because of that is not news.
  if (interruptedBy) await new Promise(() => {});
  console.error(error);
  failures.push(`drill aborted: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await cleanUp();
}

const runtimeS = round1((performance.now() - startedAt) / 1000);
const isPassed = failures.length === 0;
// The app's log is evidence only when something failed (a failing run can write tens of MB of stack traces).
const keptLogs = isPassed && !flags.keep ? null : logDirectory;
if (!keptLogs) rmSync(logDirectory, { recursive: true, force: true });
console.log(`\n${isPassed ? "PASS" : `FAIL (${failures.length}): ${failures.join(", ")}`} in ${runtimeS} s${keptLogs ? `; app and sandbox logs in ${keptLogs}` : ""}`);
console.log(JSON.stringify({ drill: "payments", winners: winnerCount, phases: phasesToRun, resendOnError: flags["resend-on-error"], reconcilePayments: hasReconcilePayments, ...report, failures, ok: isPassed, runtimeS, logs: keptLogs }));
process.exit(isPassed ? 0 : 1);
