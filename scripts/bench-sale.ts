/**
 * Flash-sale benchmark: `npm run bench:sale [-- --attempts 20000 --users 2000 --stock 100 --concurrency 64
 * --limit-per-user 1 --url http://host:port]`.
 *
 * Without --url it resets a database of its own (flashmart_bench), builds if needed, starts the production app and
 * a bare-Node "ceiling" server on free ports, and stops them at the end. It creates users and sales directly in
 * MySQL and mints purchase tokens with the app's secret (argon2 and the login flow stay out of the measurement),
 * then drives each phase with wrk (one thread, one core) from pre-minted request bodies:
 *   noop      a no-op tRPC mutation of the same app: the framework's own cost
 *   reserve   sale.reserve at --concurrency (and again at 256 on a fresh sale)
 *   queueJoin sale.queueJoin on a waiting-room sale (purchase token, rate limit + join in one script), up to 5 per
 *             user so it stays within the per-user join limit
 *   baseline  the old service's approach (MySQL transaction + SELECT … FOR UPDATE per attempt), served by the
 *             benchmark's own server (scripts/bench/ceiling-server.ts /baseline), never by the app
 *   ceiling   bare node:http + the same Redis script: the design's physical limit here
 * Before measuring, it warms the JIT, pools and script cache with 2,000 no-op calls and 10,000 reservations on a sale
 * of their own. It verifies MySQL and Redis after the reserve phase and prints a table, then one JSON line (last line).
 */
import "~/server/load-env.ts";

import { loadavg } from "node:os";
import { parseArgs } from "node:util";

import { benchAppEnv, childStarter, resetDatabaseAndBuild, round, runBenchmark, trpcBody, waitForApp, warmPurchaseSessions } from "~/scripts/bench/app.ts";
import { wrkReplay, type ScriptResult } from "~/scripts/bench/wrk.ts";
import type { Db } from "~/server/db.ts";
import type { issuePurchaseToken as IssuePurchaseToken } from "~/server/domain/sales/purchase-token.ts";
import { freePort, waitForHttp } from "~/server/testing/child-processes.ts";
import type { createFlashSale as CreateFlashSale } from "~/server/testing/factories.ts";

const { values: flags } = parseArgs({
  options: {
    attempts: { type: "string", default: "20000" },
    users: { type: "string", default: "2000" },
    stock: { type: "string", default: "100" },
    concurrency: { type: "string", default: "64" },
    "limit-per-user": { type: "string", default: "1" },
    "high-concurrency": { type: "string", default: "256" },
    "baseline-seconds": { type: "string", default: "15" },
    url: { type: "string" },
    "ceiling-url": { type: "string" },
    build: { type: "boolean", default: false },
    "waiting-room": { type: "boolean", default: false },
    "queue-users": { type: "string", default: "1000" },
  },
});
const attempts = Number(flags.attempts);
const userCount = Number(flags.users);
const stock = Number(flags.stock);
const concurrency = Number(flags.concurrency);
const limitPerUser = Number(flags["limit-per-user"]);
const highConcurrency = Number(flags["high-concurrency"]);

process.on("SIGINT", () => process.exit(130));
const startProcess = childStarter("bench-sale");

async function main() {
  const isSelfHosted = !flags.url;
  const appPort = isSelfHosted ? await freePort() : 0;
  const ceilingPort = flags["ceiling-url"] ? 0 : await freePort();
  const sandboxPort = await freePort();
  const appUrl = flags.url ?? `http://127.0.0.1:${appPort}`;
  const ceilingUrl = flags["ceiling-url"] ?? `http://127.0.0.1:${ceilingPort}`;
  const benchEnv = benchAppEnv({
    databaseUrl: isSelfHosted ? (process.env.BENCH_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/flashmart_bench") : (process.env.DATABASE_URL ?? ""),
    redisKeyPrefix: isSelfHosted ? "fmbench:" : (process.env.REDIS_KEY_PREFIX ?? "fm:"),
    sandboxPort,
  });
  Object.assign(process.env, { DATABASE_URL: benchEnv.DATABASE_URL, REDIS_KEY_PREFIX: benchEnv.REDIS_KEY_PREFIX, PURCHASE_TOKEN_TTL_S: "3600" });

  if (isSelfHosted) {
    resetDatabaseAndBuild(benchEnv, { build: flags.build });
    console.log(`→ starting the app on :${appPort}`);
    startProcess("server/main.ts", { ...benchEnv, PORT: String(appPort), APP_URL: appUrl });
  }
  if (!flags["ceiling-url"]) startProcess("scripts/bench/ceiling-server.ts", benchEnv, ["--port", String(ceilingPort)]);
  if (isSelfHosted) startProcess("server/payment-sandbox/server.ts", { ...benchEnv, PAYMENT_SANDBOX_PORT: String(sandboxPort) });

  const noopUrl = `${appUrl}/api/trpc/system.noop`;
  await waitForApp(appUrl);

  // Imported only now, so they see the bench database and prefix.
  const { createPrismaClient } = await import("~/server/db.ts");
  const { createUsers, createFlashSale } = await import("~/server/testing/factories.ts");
  const { issuePurchaseToken } = await import("~/server/domain/sales/purchase-token.ts");
  const { freshPurchaseSession } = await import("~/server/testing/sales.ts");
  const { reconcileSale } = await import("~/server/domain/sales/reconcile-sale.ts");
  const { redis } = await import("~/server/redis.ts");
  const { systemClock } = await import("~/server/clock.ts");
  const { createApp } = await import("~/server/app.ts");
  const { configFromEnv } = await import("~/server/config.ts");
  // The server under test reads the same environment, so tokens signed with this config are ones it accepts.
  const tokenDeps = { config: configFromEnv() };
  const db = createPrismaClient(benchEnv.DATABASE_URL, 8);

  console.log(`→ creating ${userCount} users and the sales`);
  const users = await createUsers(db, userCount);
  const opensAt = new Date(Date.now() - 1_000);
  const newSale = (quantity: number) => createFlashSale(db, { opensAt, quantity, perUserLimit: limitPerUser, holdMinutes: 10 });
  const [warmUpSale, mainSale, highSale, ceilingSale, baselineSale, baselineWarmUpSale] = await Promise.all([newSale(stock), newSale(stock), newSale(stock), newSale(stock), newSale(stock), newSale(stock)]);
  // The line opens an hour before the sale, so every join in the phase takes (or finds) a place.
  const joinSale = await createFlashSale(db, { opensAt: new Date(Date.now() + 3_600_000), quantity: stock, perUserLimit: 1, waitingRoomEnabled: true, queueOpensMinutesBefore: 120 });
  await db.product.updateMany({ where: { id: { in: [baselineSale.productId, baselineWarmUpSale.productId] } }, data: { stock } });
  await warmPurchaseSessions({ db, redis, clock: systemClock, config: tokenDeps.config }, users);

  const nowMs = Date.now();
  const bodiesFor = (saleId: number, count = attempts) => {
    const tokens = users.map((user) => issuePurchaseToken(tokenDeps, { userId: user.id, saleId, session: freshPurchaseSession() }, nowMs).token);
    return Array.from({ length: count }, (_, index) => trpcBody({ saleId, idempotencyKey: `bench-${saleId}-${String(index).padStart(7, "0")}`, purchaseToken: tokens[index % users.length] }));
  };

  const load = () => loadavg().map((value) => round(value, 2));
  const loadBefore = load();
  // Warm-up: JIT, connection pools, script cache (not measured).
  await wrkReplay({ url: noopUrl, bodies: ["{}"], quota: 2_000, connections: concurrency, capSeconds: 30, countAll: true });
  // The reserve path too, winners included, on a sale of its own: the measured phases start with a warm JIT.
  await wrkReplay({ url: `${appUrl}/api/trpc/sale.reserve`, bodies: bodiesFor(warmUpSale.id, 10_000), quota: 10_000, connections: concurrency, capSeconds: 30 });

  console.log("→ noop");
  const noop = await wrkReplay({ url: noopUrl, bodies: ["{}"], quota: attempts, connections: concurrency, capSeconds: 120, countAll: true });
  console.log(`→ reserve at concurrency ${concurrency}`);
  const reserve = await wrkReplay({ url: `${appUrl}/api/trpc/sale.reserve`, bodies: bodiesFor(mainSale.id), quota: attempts, connections: concurrency, capSeconds: 60 });
  console.log(`→ reserve at concurrency ${highConcurrency}`);
  const reserveHigh = await wrkReplay({ url: `${appUrl}/api/trpc/sale.reserve`, bodies: bodiesFor(highSale.id), quota: attempts, connections: highConcurrency, capSeconds: 60 });
  // Each user joins at most 5 times (queueJoinUser: 5 per 10 s), so every answer is a served join, not a 429.
  const joinAttempts = Math.min(attempts, users.length * 5);
  console.log(`→ queue join (${joinAttempts} joins)`);
  const queueJoin = await wrkReplay({ url: `${appUrl}/api/trpc/sale.queueJoin`, bodies: bodiesFor(joinSale.id, joinAttempts), quota: joinAttempts, connections: concurrency, capSeconds: 60, countAll: true });
  await waitForHttp(ceilingUrl, { init: { method: "POST", body: trpcBody({ saleId: 0, idempotencyKey: "x", purchaseToken: "x" }) }, timeoutMs: 120_000 });
  // The benchmark server's Prisma client starts cold (its query compiler plans each query once): warm it first.
  await wrkReplay({ url: `${ceilingUrl}/baseline`, bodies: bodiesFor(baselineWarmUpSale.id, 200), quota: 200, connections: concurrency, capSeconds: 30 });
  console.log(`→ baseline (SELECT … FOR UPDATE per attempt, benchmark server, capped at ${flags["baseline-seconds"]} s)`);
  const baseline = await wrkReplay({ url: `${ceilingUrl}/baseline`, bodies: bodiesFor(baselineSale.id), quota: attempts, connections: concurrency, capSeconds: Number(flags["baseline-seconds"]) });
  console.log("→ ceiling (bare node:http + the same Redis script)");
  const ceiling = await wrkReplay({ url: ceilingUrl, bodies: bodiesFor(ceilingSale.id), quota: attempts, connections: concurrency, capSeconds: 120 });
  const waitingRoom = flags["waiting-room"] ? await benchWaitingRoom({ appUrl, db, users, createFlashSale, issuePurchaseToken, tokenDeps }) : null;
  const loadAfter = load();

  console.log("→ verifying MySQL and Redis");
  const verify = async (saleId: number) => {
    const orders = await db.order.groupBy({ by: ["userId"], where: { saleId }, _count: { _all: true } });
    const orderCount = orders.reduce((sum, row) => sum + row._count._all, 0);
    const reconciliation = await reconcileSale(createApp({ db, redis, clock: systemClock }), saleId, { repair: false });
    return {
      orders: orderCount,
      oversold: Math.max(0, orderCount - stock),
      overLimitUsers: orders.filter((row) => row._count._all > limitPerUser).length,
      drift: reconciliation.drift,
      isInvariantHeld: reconciliation.isInvariantHeld,
    };
  };
  const [mainCheck, highCheck] = await Promise.all([verify(mainSale.id), verify(highSale.id)]);
  await db.$disconnect();

  console.table(
    [
      ["noop (tRPC, same app)", noop],
      [`reserve c=${concurrency}`, reserve],
      [`reserve c=${highConcurrency}`, reserveHigh],
      ["queue join (fast path)", queueJoin],
      ["baseline FOR UPDATE", baseline],
      ["ceiling bare node+Lua", ceiling],
    ].map(([name, result]) => {
      const row = result as ScriptResult;
      return { phase: name, requests: row.completed, "req/s": Math.round(row.rps), "p50 ms": round(row.p50Ms, 2), "p95 ms": round(row.p95Ms, 2), "p99 ms": round(row.p99Ms, 2), won: row.won, errors: row.errors + row.socketErrors };
    }),
  );
  console.table([
    { sale: `c=${concurrency}`, ...mainCheck },
    { sale: `c=${highConcurrency}`, ...highCheck },
  ]);
  console.log(`load average before ${loadBefore.join(" ")}, after ${loadAfter.join(" ")} (2 cores; wrk: 1 thread)`);

  const summary = {
    generator: "wrk -t1 (Lua script with pre-minted bodies)",
    attempts: reserve.completed,
    users: userCount,
    stock,
    concurrency,
    limitPerUser,
    durationS: round(reserve.durationS, 2),
    rps: Math.round(reserve.rps),
    p50Ms: round(reserve.p50Ms, 2),
    p95Ms: round(reserve.p95Ms, 2),
    p99Ms: round(reserve.p99Ms, 2),
    won: reserve.won,
    soldOut: reserve.soldOut,
    limited: reserve.limited,
    rateLimited: reserve.rateLimited,
    errors: reserve.errors + reserve.socketErrors + reserve.otherOutcome,
    oversold: mainCheck.oversold + highCheck.oversold,
    overLimitUsers: mainCheck.overLimitUsers + highCheck.overLimitUsers,
    redisDbDrift: mainCheck.drift + highCheck.drift,
    highConcurrency,
    rpsHigh: Math.round(reserveHigh.rps),
    p99MsHigh: round(reserveHigh.p99Ms, 2),
    baselineRps: Math.round(baseline.rps),
    baselineP99Ms: round(baseline.p99Ms, 2),
    speedupVsBaseline: round(reserve.rps / baseline.rps, 1),
    noopRps: Math.round(noop.rps),
    ratioToNoop: round(reserve.rps / noop.rps, 2),
    queueJoinRps: Math.round(queueJoin.rps),
    queueJoinP99Ms: round(queueJoin.p99Ms, 2),
    queueJoinRatioToReserve: round(queueJoin.rps / reserve.rps, 2),
    ceilingRps: Math.round(ceiling.rps),
    ratioToCeiling: round(reserve.rps / ceiling.rps, 2),
    ...(waitingRoom ?? {}),
    loadAvgBefore: loadBefore,
    loadAvgAfter: loadAfter,
  };
  console.log(JSON.stringify(summary));
}

/**
 * The waiting room under load: wrk measures join and status-poll throughput; then a simulated crowd joins before the
 * open time, polls with jitter, buys when admitted and pays, and the run records the longest wait and how quickly
 * everyone still waiting was told "sold out" after the last unit was paid.
 */
async function benchWaitingRoom(context: {
  appUrl: string;
  db: Db;
  users: Array<{ id: string; role: "USER" }>;
  createFlashSale: typeof CreateFlashSale;
  issuePurchaseToken: typeof IssuePurchaseToken;
  tokenDeps: Parameters<typeof IssuePurchaseToken>[0];
}) {
  const { sessionCookieFor } = await import("~/server/testing/http.ts");
  const { createDefaultAddresses } = await import("~/server/testing/factories.ts");
  const { freshPurchaseSession } = await import("~/server/testing/sales.ts");
  const queueUsers = context.users.slice(0, Number(flags["queue-users"]));
  const cookies = await Promise.all(queueUsers.map((user) => sessionCookieFor(user, { maxAgeS: 3600 })));
  // Sale orders are paid together with a shipping address; each buyer has a default one, as the pay page expects.
  const addressByUser = await createDefaultAddresses(context.db, queueUsers.map((user) => user.id));
  const newQueueSale = (opensAt: Date) =>
    context.createFlashSale(context.db, { opensAt, quantity: stock, perUserLimit: 1, waitingRoomEnabled: true, admissionMode: "AUTO", overbookingPercent: 120, queueOpensMinutesBefore: 60 });

  // Throughput of joins and status polls (every user once, then polls round-robin).
  const throughputSale = await newQueueSale(new Date(Date.now() + 3_600_000));
  const nowMs = Date.now();
  const throughputTokens = queueUsers.map((user) => context.issuePurchaseToken(context.tokenDeps, { userId: user.id, saleId: throughputSale.id, session: freshPurchaseSession() }, nowMs).token);
  console.log(`→ waiting room: ${queueUsers.length} joins`);
  const joins = await wrkReplay({
    url: `${context.appUrl}/api/trpc/sale.queueJoin`,
    bodies: throughputTokens.map((purchaseToken) => trpcBody({ saleId: throughputSale.id, purchaseToken })),
    quota: queueUsers.length,
    connections: concurrency,
    capSeconds: 120,
    countAll: true,
  });
  const pollQueries = throughputTokens.map((purchaseToken) => `input=${encodeURIComponent(trpcBody({ saleId: throughputSale.id, purchaseToken }))}`);
  console.log("→ waiting room: status polls");
  // Eight polls per person stays within the per-person poll limit (burst 10), so this measures served polls.
  const polls = await wrkReplay({ url: `${context.appUrl}/api/trpc/sale.queueStatus`, bodies: pollQueries, quota: queueUsers.length * 8, connections: concurrency, capSeconds: 120, method: "GET", countAll: true });

  // The crowd: join before open, poll every ~1 s, buy when admitted, pay at once.
  const opensAt = new Date(Date.now() + 5_000);
  const sale = await newQueueSale(opensAt);
  const post = (path: string, body: unknown, cookie?: string) =>
    fetch(`${context.appUrl}/api/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) }, body: trpcBody(body) }).then((response) => response.json() as Promise<{ result?: { data: { json: Record<string, unknown> } }; error?: unknown }>);
  const crowdTokens = queueUsers.map((user) => context.issuePurchaseToken(context.tokenDeps, { userId: user.id, saleId: sale.id, session: freshPurchaseSession() }, Date.now()).token);
  await Promise.all(crowdTokens.map((purchaseToken) => post("sale.queueJoin", { saleId: sale.id, purchaseToken })));
  console.log(`→ waiting room: ${queueUsers.length} people queue for ${stock} units`);

  let lastPaidAt = 0;
  const outcomeAt: number[] = [];
  const soldOutNoticedAt: number[] = [];
  const deadline = Date.now() + 120_000;
  await Promise.all(
    queueUsers.map(async (user, index) => {
      const token = crowdTokens[index]!;
      while (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 700 + Math.random() * 600));
        const input = encodeURIComponent(trpcBody({ saleId: sale.id, purchaseToken: token }));
        const status = (await fetch(`${context.appUrl}/api/trpc/sale.queueStatus?input=${input}`).then((response) => response.json())) as { result?: { data: { json: { state: string; admissionPass: string | null } } } };
        const state = status.result?.data.json;
        if (!state) continue;
        if (state.state === "SOLD_OUT") {
          soldOutNoticedAt.push(Date.now());
          outcomeAt.push(Date.now());
          return;
        }
        if (state.state !== "ADMITTED" || !state.admissionPass) continue;
        const reserved = await post("sale.reserve", { saleId: sale.id, idempotencyKey: `wr-${user.id}`, purchaseToken: token, admissionPass: state.admissionPass });
        const result = reserved.result?.data.json as { outcome?: string; orderId?: string } | undefined;
        if (result?.outcome !== "WON" || !result.orderId) continue;
        const paid = await post("order.pay", { orderId: result.orderId, paymentKey: `wr_${result.orderId}`, amount: 59_000, addressId: addressByUser.get(user.id) }, cookies[index]);
        if (paid.result) lastPaidAt = Math.max(lastPaidAt, Date.now());
        outcomeAt.push(Date.now());
        return;
      }
    }),
  );
  const noticeLatencies = soldOutNoticedAt.filter((at) => at >= lastPaidAt).map((at) => at - lastPaidAt);
  return {
    queueUsers: queueUsers.length,
    waitingRoomJoinRps: Math.round(joins.rps),
    statusPollRps: Math.round(polls.rps),
    statusPollP99Ms: round(polls.p99Ms, 2),
    statusPollRateLimited: polls.rateLimited,
    waitingRoomPaid: (await context.db.order.count({ where: { saleId: sale.id, status: "PAID" } })),
    waitingRoomResolved: outcomeAt.length,
    maxWaitS: outcomeAt.length ? round((Math.max(...outcomeAt) - opensAt.getTime()) / 1000, 1) : null,
    soldOutNoticeLatencyMs: noticeLatencies.length ? Math.max(...noticeLatencies) : null,
    // A waiting page polls every 2–3.5 s (2.75 s on average), so one instance holds this many people waiting.
    waitingUsersPerInstance: Math.round(polls.rps * 2.75),
  };
}

runBenchmark(main);
