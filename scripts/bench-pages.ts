/**
 * Storefront page benchmark: `npm run bench:pages [-- --seconds 8 --connections 32 --storm-connections 256
 * --attempts 20000 --users 2000 --build]`.
 *
 * Resets a database of its own (flashmart_bench_pages), builds into .next-bench if needed, starts the production app,
 * the payment sandbox and the production front (nginx, scripts/start-proxy.ts) on free ports, and stops them at the
 * end. Then, with wrk (one thread) per phase, page loads sending a browser's Accept-Encoding:
 *   pages      `/`, `/products/<id>`, `/sales/<id>` for --seconds each, straight to the app and through nginx
 *   status     sale.status (GET, fast path); noop: a no-op tRPC mutation (the framework's own cost)
 *   reserve    sale.reserve with pre-minted purchase tokens, as bench:sale; queueJoin: sale.queueJoin likewise
 *   storm      --storm-connections loading the sale page through nginx while sale.reserve runs again on a fresh sale;
 *              the app counts its own renders of that page (x-origin-renders, PUBLIC_PAGE_CACHE_STATS=1), and /proc
 *              says which processes used the cores meanwhile
 * Prints a table, the targets of issue 13 as pass/fail, and one JSON line (last line).
 */
import "~/server/load-env.ts";

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

import { runBenchmark } from "~/scripts/bench/app.ts";
import { cpuShares, cpuSnapshot } from "~/scripts/bench/cpu-shares.ts";
import { freePort, startTsChild, waitForHttp } from "~/server/testing/child-processes.ts";
import { wrkGet, wrkReplay, type GetResult, type ScriptResult } from "~/scripts/bench/wrk.ts";

const { values: flags } = parseArgs({
  options: {
    seconds: { type: "string", default: "8" },
    connections: { type: "string", default: "32" },
    "storm-connections": { type: "string", default: "256" },
    attempts: { type: "string", default: "20000" },
    users: { type: "string", default: "2000" },
    build: { type: "boolean", default: false },
  },
});
const seconds = Number(flags.seconds);
const connections = Number(flags.connections);
const stormConnections = Number(flags["storm-connections"]);
const attempts = Number(flags.attempts);
const userCount = Number(flags.users);
const PAGE_CACHE_MS = 1_000;
// Page loads come from browsers, which ask for compressed pages (Chrome's header): a proxy that compressed each answer
// itself, or a test that asked for none, would measure a storm no browser makes.
const BROWSER_HEADERS = { "accept-encoding": "gzip, deflate, br, zstd" };

process.on("SIGINT", () => process.exit(130));
const logDirectory = mkdtempSync(join(tmpdir(), "bench-pages-"));

/** The app, the sandbox and nginx run as children of their own, so the load generator never shares their loop. */
function startProcess(entry: string, args: string[], env: Record<string, string>) {
  return startTsChild({ entry, args, env, logPath: join(logDirectory, "children.log") });
}
console.log(`children's output: ${join(logDirectory, "children.log")}`);
const waitForUrl = (url: string, init?: RequestInit) => waitForHttp(url, { init, timeoutMs: 120_000 });

const trpcBody = (input: unknown) => JSON.stringify({ json: input });
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** How many times the app has rendered this page so far (the cache's render counter, read straight from the app). */
async function originRenders(url: string) {
  const response = await fetch(url);
  await response.arrayBuffer();
  const header = response.headers.get("x-origin-renders");
  if (header === null) throw new Error(`${url} carries no x-origin-renders header: is PUBLIC_PAGE_CACHE_STATS=1 set?`);
  return Number(header);
}

async function main() {
  const [appPort, proxyPort, sandboxPort] = [await freePort(), await freePort(), await freePort()];
  const appUrl = `http://127.0.0.1:${appPort}`;
  const proxyUrl = `http://127.0.0.1:${proxyPort}`;
  const benchEnv = {
    NODE_ENV: "production" as const,
    NEXT_TELEMETRY_DISABLED: "1",
    LOG_LEVEL: "error",
    DATABASE_URL: process.env.BENCH_PAGES_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/flashmart_bench_pages",
    REDIS_KEY_PREFIX: "fmbenchpages:",
    // Every simulated buyer comes from 127.0.0.1; real traffic keeps the per-IP limit.
    SALE_RESERVE_IP_LIMIT: "1000000000",
    SALE_RESERVE_USER_LIMIT: "1000000",
    PURCHASE_TOKEN_TTL_S: "3600",
    // The bench's own build directory (shared with bench:sale), so a concurrent e2e build never pulls files away.
    NEXT_DIST_DIR: ".next-bench",
    PAYMENT_PROVIDER_URL: `http://127.0.0.1:${sandboxPort}`,
    PUBLIC_PAGE_CACHE_MS: String(PAGE_CACHE_MS),
    PUBLIC_PAGE_CACHE_STATS: "1",
    // Behind nginx, which overwrites X-Forwarded-For with the client's address.
    TRUST_PROXY: "1",
  };
  Object.assign(process.env, { DATABASE_URL: benchEnv.DATABASE_URL, REDIS_KEY_PREFIX: benchEnv.REDIS_KEY_PREFIX, PURCHASE_TOKEN_TTL_S: "3600" });

  console.log("→ resetting flashmart_bench_pages");
  const reset = spawnSync("npx", ["tsx", "scripts/reset-database.ts", "--yes"], { env: { ...process.env, ...benchEnv }, stdio: "inherit" });
  if (reset.status !== 0) throw new Error("database reset failed");
  if (!existsSync(".next-bench/BUILD_ID") || flags.build) {
    console.log("→ building into .next-bench");
    if (spawnSync("npx", ["next", "build"], { stdio: "inherit", env: { ...process.env, ...benchEnv } }).status !== 0) throw new Error("build failed");
  }
  console.log(`→ starting the app on :${appPort}, nginx on :${proxyPort}`);
  const app = startProcess("server/main.ts", [], { ...benchEnv, PORT: String(appPort), APP_URL: proxyUrl });
  startProcess("server/payment-sandbox/server.ts", [], { ...benchEnv, PAYMENT_SANDBOX_PORT: String(sandboxPort) });
  const proxyPrefix = mkdtempSync(join(tmpdir(), "bench-pages-nginx-"));
  startProcess("scripts/start-proxy.ts", ["--port", String(proxyPort), "--upstream", `127.0.0.1:${appPort}`, "--prefix", proxyPrefix], benchEnv);

  const noopUrl = `${appUrl}/api/trpc/system.noop`;
  await waitForUrl(noopUrl, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  await waitForUrl(`${proxyUrl}/login`);

  // Imported only now, so they see the bench database and prefix.
  const { createPrismaClient } = await import("~/server/db.ts");
  const { createUsers, createFlashSale } = await import("~/server/testing/factories.ts");
  const { issuePurchaseToken } = await import("~/server/domain/sales/purchase-token.ts");
  const { freshPurchaseSession } = await import("~/server/testing/sales.ts");
  const { isSessionActive } = await import("~/server/domain/accounts/session-state.ts");
  const { redis } = await import("~/server/redis.ts");
  const { systemClock } = await import("~/server/clock.ts");
  const { configFromEnv } = await import("~/server/config.ts");
  const config = configFromEnv();
  const db = createPrismaClient(benchEnv.DATABASE_URL, 8);

  console.log(`→ creating ${userCount} users and the sales`);
  const users = await createUsers(db, userCount);
  const opensAt = new Date(Date.now() - 1_000);
  const newSale = (quantity: number) => createFlashSale(db, { opensAt, quantity, perUserLimit: 1, holdMinutes: 10 });
  // The viewed sale has more units than anyone buys here, so its page shows an open sale throughout.
  const [pageSale, warmUpSale, reserveSale, stormSale] = await Promise.all([newSale(1_000_000), newSale(100), newSale(100), newSale(100)]);
  const joinSale = await createFlashSale(db, { opensAt: new Date(Date.now() + 3_600_000), quantity: 100, perUserLimit: 1, waitingRoomEnabled: true, queueOpensMinutesBefore: 120 });
  await db.product.update({ where: { id: pageSale.productId }, data: { stock: 1_000 } });
  // Each buyer's page fetched a purchase token, whose session check left the session state in Redis; do the same.
  for (let start = 0; start < users.length; start += 100) {
    await Promise.all(users.slice(start, start + 100).map((user) => isSessionActive({ db, redis, clock: systemClock, config }, { userId: user.id, ...freshPurchaseSession() })));
  }
  const nowMs = Date.now();
  const bodiesFor = (saleId: number, count: number, withKey = true) => {
    const tokens = users.map((user) => issuePurchaseToken({ config }, { userId: user.id, saleId, session: freshPurchaseSession() }, nowMs).token);
    return Array.from({ length: count }, (_, index) =>
      trpcBody(withKey ? { saleId, idempotencyKey: `pages-${saleId}-${String(index).padStart(7, "0")}`, purchaseToken: tokens[index % users.length] } : { saleId, purchaseToken: tokens[index % users.length] }),
    );
  };

  const paths = { home: "/", product: `/products/${pageSale.productId}`, sale: `/sales/${pageSale.id}` };
  const statusUrl = `${appUrl}/api/trpc/sale.status?input=${encodeURIComponent(trpcBody({ id: pageSale.id }))}`;
  const get = (url: string, connectionCount = connections) => wrkGet({ url, connections: connectionCount, seconds, headers: BROWSER_HEADERS });
  const load = () => loadavg().map((value) => round(value, 2));
  const loadBefore = load();

  // Warm-up (not measured): JIT, pools, script cache, the page caches.
  await wrkReplay({ url: noopUrl, bodies: ["{}"], quota: 2_000, connections, capSeconds: 30, countAll: true });
  await wrkReplay({ url: `${appUrl}/api/trpc/sale.reserve`, bodies: bodiesFor(warmUpSale.id, 5_000), quota: 5_000, connections, capSeconds: 30 });
  for (const path of Object.values(paths)) {
    await wrkGet({ url: `${appUrl}${path}`, connections, seconds: 1, headers: BROWSER_HEADERS });
    await wrkGet({ url: `${proxyUrl}${path}`, connections, seconds: 1, headers: BROWSER_HEADERS });
  }

  const pages: Record<string, GetResult> = {};
  for (const [name, path] of Object.entries(paths)) {
    console.log(`→ ${path} straight, then through nginx`);
    pages[name] = await get(`${appUrl}${path}`);
    pages[`${name}ViaProxy`] = await get(`${proxyUrl}${path}`);
  }
  console.log("→ sale.status");
  const status = await get(statusUrl);
  console.log("→ noop");
  const noop = await wrkReplay({ url: noopUrl, bodies: ["{}"], quota: attempts, connections, capSeconds: 120, countAll: true });
  console.log("→ reserve");
  const reserve = await wrkReplay({ url: `${appUrl}/api/trpc/sale.reserve`, bodies: bodiesFor(reserveSale.id, attempts), quota: attempts, connections, capSeconds: 60 });
  // Each user joins at most 5 times per 10 s (queueJoinUser), so every answer is a served join, not a 429.
  const joinAttempts = Math.min(attempts, users.length * 5);
  console.log(`→ queue join (${joinAttempts} joins, through whatever path sale.queueJoin has)`);
  const queueJoin = await wrkReplay({ url: `${appUrl}/api/trpc/sale.queueJoin`, bodies: bodiesFor(joinSale.id, joinAttempts, false), quota: joinAttempts, connections, capSeconds: 60, countAll: true });

  console.log(`→ storm: ${stormConnections} connections on ${paths.sale} through nginx while sale.reserve runs`);
  const saleStraightUrl = `${appUrl}${paths.sale}`;
  const rendersBefore = await originRenders(saleStraightUrl);
  const stormStop = new AbortController();
  const stormStartedAt = performance.now();
  const storm = wrkGet({ url: `${proxyUrl}${paths.sale}`, connections: stormConnections, seconds: 120, headers: BROWSER_HEADERS, signal: stormStop.signal });
  // Let the storm reach full strength before reserve starts.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const cpuBefore = cpuSnapshot();
  const reserveUnderStorm = await wrkReplay({ url: `${appUrl}/api/trpc/sale.reserve`, bodies: bodiesFor(stormSale.id, attempts), quota: attempts, connections, capSeconds: 60 });
  // Where the two cores went while reserve ran under the storm (the reserve wrk has exited by now: "unattributed").
  const stormCpu = cpuShares(cpuBefore, cpuSnapshot(), (pid, commandLine) => {
    if (pid === app.pid) return "app";
    if (pid === process.pid) return "benchmark driver";
    if (commandLine.startsWith("nginx:")) return "nginx";
    if (commandLine.startsWith("wrk ")) return commandLine.includes(`-c${stormConnections} `) ? "storm client (wrk)" : "other wrk";
    if (commandLine.includes("redis-server")) return "redis";
    if (commandLine.includes("mariadbd") || commandLine.includes("mysqld")) return "mariadb";
    return commandLine.length > 0 ? "other" : null;
  });
  stormStop.abort();
  const stormResult = await storm;
  const stormSeconds = (performance.now() - stormStartedAt) / 1000;
  const rendersDuringStorm = (await originRenders(saleStraightUrl)) - rendersBefore;
  const loadAfter = load();
  await db.$disconnect();

  const getRow = (phase: string, result: GetResult) => ({ phase, "req/s": Math.round(result.rps), "p50 ms": round(result.p50Ms, 2), "p99 ms": round(result.p99Ms, 2), "non-2xx": result.non2xx, "socket errors": result.socketErrors });
  const replayRow = (phase: string, result: ScriptResult) => ({ phase, "req/s": Math.round(result.rps), "p50 ms": round(result.p50Ms, 2), "p99 ms": round(result.p99Ms, 2), "non-2xx": result.errors + result.rateLimited, "socket errors": result.socketErrors });
  console.table([
    getRow("/ (app)", pages.home!),
    getRow("/ (nginx)", pages.homeViaProxy!),
    getRow("/products/:id (app)", pages.product!),
    getRow("/products/:id (nginx)", pages.productViaProxy!),
    getRow("/sales/:id (app)", pages.sale!),
    getRow("/sales/:id (nginx)", pages.saleViaProxy!),
    getRow("sale.status", status),
    replayRow("noop (tRPC)", noop),
    replayRow("sale.reserve", reserve),
    replayRow("sale.queueJoin", queueJoin),
    getRow(`storm: /sales/:id (nginx, c=${stormConnections})`, stormResult),
    replayRow("sale.reserve under the storm", reserveUnderStorm),
  ]);

  const originSalePageRendersPerS = round(rendersDuringStorm / stormSeconds, 2);
  // One render per cache lifetime, plus at most one background refresh per lifetime while stale copies are served.
  const maxRendersPerS = (2 * 1000) / PAGE_CACHE_MS;
  const targets = {
    salePageRpsAtLeastHalfNoop: pages.sale!.rps >= 0.5 * noop.rps,
    salePageViaProxyAtLeastReserve: pages.saleViaProxy!.rps >= reserve.rps,
    reserveUnderStormAtLeast70Percent: reserveUnderStorm.rps >= 0.7 * reserve.rps,
    queueJoinAtLeast70PercentOfReserve: queueJoin.rps >= 0.7 * reserve.rps,
    originRendersBoundedByCacheLifetime: originSalePageRendersPerS <= maxRendersPerS,
  };
  console.table(Object.entries(targets).map(([target, isMet]) => ({ target, result: isMet ? "pass" : "FAIL" })));
  console.log(`storm: ${rendersDuringStorm} origin renders of the sale page in ${round(stormSeconds, 1)} s (${stormResult.requests} page loads)`);
  console.log(`load average before ${loadBefore.join(" ")}, after ${loadAfter.join(" ")} (2 cores; wrk: 1 thread)`);
  console.log(`cores used while reserve ran under the storm (${stormCpu.seconds} s): machine ${stormCpu.machine}, unattributed ${stormCpu.unattributed}`);
  console.table(Object.entries(stormCpu.cores).map(([group, cores]) => ({ group, cores })));

  console.log(
    JSON.stringify({
      homeRps: Math.round(pages.home!.rps),
      productRps: Math.round(pages.product!.rps),
      salePageRps: Math.round(pages.sale!.rps),
      salePageViaProxyRps: Math.round(pages.saleViaProxy!.rps),
      noopRps: Math.round(noop.rps),
      statusRps: Math.round(status.rps),
      reserveRps: Math.round(reserve.rps),
      reserveRpsUnderStorm: Math.round(reserveUnderStorm.rps),
      queueJoinRps: Math.round(queueJoin.rps),
      originSalePageRendersPerS,
      stormPageLoadsRps: Math.round(stormResult.rps),
      coresDuringStorm: { machine: stormCpu.machine, ...stormCpu.cores },
      targets,
    }),
  );
}

runBenchmark(main);
