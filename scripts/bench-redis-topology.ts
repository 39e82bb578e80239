/**
 * Redis topology benchmark: `npm run bench:redis-topology [-- --attempts 20000 --users 2000 --stock 100
 * --concurrency 64 --sales 6 --failover-rate 500 --failover-seconds 16 --kill-after 3 --forced-lag-ms 1000 --no-failover]`.
 *
 * One run, one database of its own (flashmart_bench_topology), key prefix `fmtopo:`:
 *   1. single  the production app (server/main.ts) against the single Redis (--single-redis, default 127.0.0.1:6379)
 *   2. cluster the same app against a fresh local 3-primary cluster (scripts/redis-cluster.sh on --cluster-port,
 *              default 7101–7103; the 7001–7003 cluster the tests use is left alone)
 *   For each: the same `sale.reserve` phase on one sale (wrk, pre-minted purchase tokens, as bench-sale.ts), then the
 *   same number of attempts spread over --sales concurrent sales. Around each phase every node gets CONFIG RESETSTAT and
 *   is read before/after (INFO cpu: used_cpu_sys + used_cpu_user; INFO commandstats: evalsha calls and usec), so the
 *   table shows Redis CPU per attempt per node: one sale lives on one primary (one hash tag), several sales spread.
 *   3. failover a third cluster with one replica per primary (--failover-port, default 7201–7206), a fresh app on it,
 *              open-loop reserve load from this process (--failover-rate req/s), and after --kill-after seconds the
 *              primary owning the sale's slot is killed (SIGKILL). Reports the error window (first to last failed
 *              answer), the time from the kill until reserves succeed again, holds answered WON before the kill that
 *              the promoted replica does not have, oversold and Redis↔MySQL drift right after the load and again after
 *              the app's due-work reconcile had time to run.
 *   2b. buckets on the same 3-primary cluster: the same 1-sale reserve phase against a sale with K = 1 stock bucket and
 *              one with K = --buckets (default 3, sale-buckets.ts), reporting each primary's Redis CPU per attempt and
 *              where each bucket lives: one split sale's reservations spread over the primaries. `--only-buckets` runs
 *              this part alone (no single-Redis, no 6-sale phase, no failover); `--only-failover` runs only 3 and 4.
 *   4. failover again on a fresh cluster, with the replica cut off for --forced-lag-ms (default 1000) before the kill
 *              (SIGSTOP, its link killed on the primary, SIGCONT after the kill): a replica that far behind, so holds
 *              it never received are really lost with the primary.
 * Every app and cluster it starts is stopped at the end. Prints tables, then one JSON line (last line).
 */
import "~/server/load-env.ts";

import { spawnSync } from "node:child_process";
import { Agent, request as httpRequest } from "node:http";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";

import type { Redis as UpstashRedis } from "@upstash/redis";
import type { Redis as IORedis } from "ioredis";

import { benchAppEnv, childStarter, resetDatabaseAndBuild, round, runBenchmark, trpcBody, waitForApp, warmPurchaseSessions } from "~/scripts/bench/app.ts";
import { wrkReplay, type ScriptResult } from "~/scripts/bench/wrk.ts";
import { clusterNodes, nodeConnection, withNode, type ClusterNode } from "~/scripts/bench/redis-nodes.ts";
import { freePort, stopChild } from "~/server/testing/child-processes.ts";

const { values: flags } = parseArgs({
  options: {
    attempts: { type: "string", default: "20000" },
    users: { type: "string", default: "2000" },
    stock: { type: "string", default: "100" },
    concurrency: { type: "string", default: "64" },
    sales: { type: "string", default: "6" },
    "warm-up": { type: "string", default: "10000" },
    "single-redis": { type: "string", default: "127.0.0.1:6379" },
    "cluster-port": { type: "string", default: "7101" },
    "failover-port": { type: "string", default: "7201" },
    "failover-rate": { type: "string", default: "500" },
    "failover-seconds": { type: "string", default: "16" },
    "kill-after": { type: "string", default: "3" },
    "failover-users": { type: "string", default: "4000" },
    "failover-stock": { type: "string", default: "3000" },
    "reconcile-wait": { type: "string", default: "12" },
    "forced-lag-ms": { type: "string", default: "1000" },
    "no-failover": { type: "boolean", default: false },
    buckets: { type: "string", default: "3" },
    "only-buckets": { type: "boolean", default: false },
    "only-failover": { type: "boolean", default: false },
    build: { type: "boolean", default: false },
  },
});
const attempts = Number(flags.attempts);
const userCount = Number(flags.users);
const stock = Number(flags.stock);
const concurrency = Number(flags.concurrency);
const saleCount = Number(flags.sales);
const warmUpAttempts = Number(flags["warm-up"]);
const failoverRate = Number(flags["failover-rate"]);
const failoverSeconds = Number(flags["failover-seconds"]);
const killAfterS = Number(flags["kill-after"]);
const failoverUsers = Number(flags["failover-users"]);
const failoverStock = Number(flags["failover-stock"]);
const stockBucketCount = Number(flags.buckets);
const onlyBuckets = flags["only-buckets"];
const onlyFailover = flags["only-failover"];
const prefix = "fmtopo:";

process.on("SIGINT", () => process.exit(130));
const startProcess = childStarter("bench-redis-topology");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------------------
// Local clusters (scripts/redis-cluster.sh) and per-node statistics

type ClusterSpec = { firstPort: number; replicas: number };
const startedClusters: ClusterSpec[] = [];

function clusterScript(action: "start" | "stop", spec: ClusterSpec) {
  const result = spawnSync("bash", ["scripts/redis-cluster.sh", action], {
    env: { ...process.env, REDIS_CLUSTER_PORT: String(spec.firstPort), REDIS_CLUSTER_REPLICAS: String(spec.replicas) },
    encoding: "utf8",
  });
  process.stdout.write(result.stdout);
  if (result.status !== 0) throw new Error(`redis-cluster.sh ${action} on ${spec.firstPort} failed: ${result.stderr}`);
}

function startCluster(spec: ClusterSpec) {
  startedClusters.push(spec);
  clusterScript("start", spec);
  return [0, 1, 2].map((offset) => `127.0.0.1:${spec.firstPort + offset}`);
}

function stopClusters() {
  for (const spec of startedClusters.splice(0)) {
    try {
      clusterScript("stop", spec);
    } catch (error) {
      console.error(error);
    }
  }
}


async function slotOf(seed: string, key: string) {
  return withNode(seed, async (connection) => Number(await connection.call("CLUSTER", "KEYSLOT", key)));
}

const ownerOf = (nodes: ClusterNode[], slot: number) => nodes.find((node) => node.role === "master" && node.slots.some(([from, to]) => slot >= from && slot <= to));

type NodeStats = { cpuS: number; evalshaCalls: number; evalshaUsec: number; calls: number; usec: number };

function infoFields(text: string) {
  const fields = new Map<string, string>();
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0 && !line.startsWith("#")) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

async function readStats(connection: IORedis): Promise<NodeStats> {
  const cpu = infoFields(await connection.info("cpu"));
  const commands = infoFields(await connection.info("commandstats"));
  const stats: NodeStats = { cpuS: Number(cpu.get("used_cpu_sys")) + Number(cpu.get("used_cpu_user")), evalshaCalls: 0, evalshaUsec: 0, calls: 0, usec: 0 };
  for (const [name, value] of commands) {
    const calls = Number(/calls=(\d+)/.exec(value)?.[1] ?? 0);
    const usec = Number(/usec=(\d+)/.exec(value)?.[1] ?? 0);
    stats.calls += calls;
    stats.usec += usec;
    if (name === "cmdstat_evalsha") {
      stats.evalshaCalls = calls;
      stats.evalshaUsec = usec;
    }
  }
  return stats;
}

type NodeDelta = { node: string; cpuMs: number; cpuUsPerAttempt: number; evalshaCalls: number; evalshaUsPerAttempt: number; commandUsPerAttempt: number; callsPerAttempt: number };

/** CONFIG RESETSTAT on every node, run the phase, and read what each node's CPU and command statistics grew by. */
async function measureRedis<T extends { completed: number }>(addresses: string[], run: () => Promise<T>) {
  const connections = addresses.map(nodeConnection);
  await Promise.all(connections.map((connection) => connection.connect()));
  try {
    await Promise.all(connections.map((connection) => connection.call("CONFIG", "RESETSTAT")));
    const before = await Promise.all(connections.map(readStats));
    const result = await run();
    const after = await Promise.all(connections.map(readStats));
    const perAttempt = (value: number) => round(value / Math.max(1, result.completed), 2);
    const nodes: NodeDelta[] = addresses.map((node, index) => {
      const cpuUs = (after[index]!.cpuS - before[index]!.cpuS) * 1e6;
      return {
        node,
        cpuMs: round(cpuUs / 1000, 1),
        cpuUsPerAttempt: perAttempt(cpuUs),
        evalshaCalls: after[index]!.evalshaCalls,
        evalshaUsPerAttempt: perAttempt(after[index]!.evalshaUsec),
        commandUsPerAttempt: perAttempt(after[index]!.usec),
        callsPerAttempt: perAttempt(after[index]!.calls),
      };
    });
    const sum = (pick: (node: NodeDelta) => number) => round(nodes.reduce((total, node) => total + pick(node), 0), 2);
    return {
      result,
      nodes,
      total: { cpuUsPerAttempt: sum((node) => node.cpuUsPerAttempt), evalshaUsPerAttempt: sum((node) => node.evalshaUsPerAttempt), callsPerAttempt: sum((node) => node.callsPerAttempt) },
    };
  } finally {
    for (const connection of connections) connection.disconnect();
  }
}

async function main() {
  const sandboxPort = await freePort();
  const singleRedis = flags["single-redis"];
  // bench-sale.ts's build directory too: the hot path under test is served by tRPC's Node adapter, not by Next.
  const benchEnv = {
    ...benchAppEnv({ databaseUrl: process.env.BENCH_TOPOLOGY_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/flashmart_bench_topology", redisKeyPrefix: prefix, sandboxPort }),
    REDIS_URL: `redis://${singleRedis}`,
    REDIS_CLUSTER_NODES: "",
  };
  Object.assign(process.env, benchEnv);

  resetDatabaseAndBuild(benchEnv, { build: flags.build });
  startProcess("server/payment-sandbox/server.ts", { ...benchEnv, PAYMENT_SANDBOX_PORT: String(sandboxPort) });

  // Imported only now, so they see the bench database and prefix.
  const { createPrismaClient } = await import("~/server/db.ts");
  const { createUsers, createFlashSale } = await import("~/server/testing/factories.ts");
  const { issuePurchaseToken } = await import("~/server/domain/sales/purchase-token.ts");
  const { freshPurchaseSession } = await import("~/server/testing/sales.ts");
  const { reconcileSale } = await import("~/server/domain/sales/reconcile-sale.ts");
  const { saleKeys, saleBucketKeys } = await import("~/server/domain/sales/keys.ts");
  const { createRedisClient, closeRedis } = await import("~/server/redis.ts");
  const { systemClock } = await import("~/server/clock.ts");
  const { createApp } = await import("~/server/app.ts");
  const { configFromEnv } = await import("~/server/config.ts");
  const config = configFromEnv();
  const db = createPrismaClient(benchEnv.DATABASE_URL, 8);

  console.log(`→ creating ${Math.max(userCount, failoverUsers)} users`);
  const users = await createUsers(db, Math.max(userCount, failoverUsers));
  const opensAt = new Date(Date.now() - 1_000);
  const newSale = (quantity: number, stockBuckets = 1) => createFlashSale(db, { opensAt, quantity, perUserLimit: 1, holdMinutes: 10, stockBuckets });
  const nowMs = Date.now();
  const tokensFor = (saleId: number, count = userCount) => users.slice(0, count).map((user) => issuePurchaseToken({ config }, { userId: user.id, saleId, session: freshPurchaseSession() }, nowMs).token);
  /** `count` reserve bodies, attempt i on sales[i % sales.length] by user i % users. */
  const bodiesFor = (saleIds: number[], count: number) => {
    const tokens = new Map(saleIds.map((saleId) => [saleId, tokensFor(saleId)]));
    return Array.from({ length: count }, (_, index) => {
      const saleId = saleIds[index % saleIds.length]!;
      return trpcBody({ saleId, idempotencyKey: `topo-${saleId}-${String(index).padStart(7, "0")}`, purchaseToken: tokens.get(saleId)![index % userCount] });
    });
  };

  const warmSessions = (redis: UpstashRedis, count: number) => warmPurchaseSessions({ db, redis, clock: systemClock, config }, users.slice(0, count));

  async function verify(redis: UpstashRedis, saleId: number, quantity: number) {
    const orders = await db.order.groupBy({ by: ["userId"], where: { saleId }, _count: { _all: true } });
    const orderCount = orders.reduce((sum, row) => sum + row._count._all, 0);
    const reconciliation = await reconcileSale(createApp({ db, redis, clock: systemClock, config }), saleId, { repair: false });
    return {
      sale: saleId,
      orders: orderCount,
      oversold: Math.max(0, orderCount - quantity),
      overLimitUsers: orders.filter((row) => row._count._all > 1).length,
      drift: reconciliation.drift,
      invariant: reconciliation.isInvariantHeld,
      ...(reconciliation.buckets ? { inTransit: reconciliation.buckets.inTransit, allotments: reconciliation.buckets.perBucket.map((bucket) => `${bucket.quantity}(${bucket.sold}+${bucket.held})`).join("/") } : {}),
    };
  }

  async function startApp(label: string, env: Record<string, string>) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    console.log(`→ ${label}: starting the app on :${port}`);
    const child = startProcess("server/main.ts", { ...benchEnv, ...env, PORT: String(port), APP_URL: url });
    await waitForApp(url, child);
    return { url, child };
  }

  // ------------------------------------------------------------------------- 1 + 2: single Redis vs cluster
  type TopologyReport = Awaited<ReturnType<typeof runTopology>>;
  async function runTopology(name: "single" | "cluster", nodes: string[], appEnv: Record<string, string>, clusterSeed?: string) {
    const redis = createRedisClient({ url: benchEnv.REDIS_URL, clusterNodes: clusterSeed ? nodes : undefined });
    const app = await startApp(name, appEnv);
    const primaries = clusterSeed ? (await clusterNodes(clusterSeed)).filter((node) => node.role === "master") : null;
    const statNodes = primaries ? primaries.map((node) => node.address) : nodes;
    await warmSessions(redis, userCount);
    const [warmUpSale, oneSale, ...manySales] = await Promise.all(Array.from({ length: 2 + saleCount }, () => newSale(stock)));
    const reserveUrl = `${app.url}/api/trpc/sale.reserve`;
    await wrkReplay({ url: `${app.url}/api/trpc/system.noop`, bodies: ["{}"], quota: 2_000, connections: concurrency, capSeconds: 30, countAll: true });
    await wrkReplay({ url: reserveUrl, bodies: bodiesFor([warmUpSale!.id], warmUpAttempts), quota: warmUpAttempts, connections: concurrency, capSeconds: 60 });

    const placement = async (saleId: number) => {
      if (!clusterSeed || !primaries) return "single";
      const slot = await slotOf(clusterSeed, saleKeys(saleId).meta);
      return `${ownerOf(primaries, slot)?.address ?? "?"} (slot ${slot})`;
    };

    console.log(`→ ${name}: reserve, 1 sale, ${attempts} attempts, c=${concurrency}`);
    const oneLoad = loadavg()[0]!;
    const one = await measureRedis(statNodes, () => wrkReplay({ url: reserveUrl, bodies: bodiesFor([oneSale!.id], attempts), quota: attempts, connections: concurrency, capSeconds: 120 }));
    console.log(`→ ${name}: reserve, ${saleCount} sales, ${attempts} attempts, c=${concurrency}`);
    const manyLoad = loadavg()[0]!;
    const many = await measureRedis(statNodes, () => wrkReplay({ url: reserveUrl, bodies: bodiesFor(manySales.map((sale) => sale.id), attempts), quota: attempts, connections: concurrency, capSeconds: 120 }));
    const checks = [await verify(redis, oneSale!.id, stock), ...(await Promise.all(manySales.map((sale) => verify(redis, sale.id, stock))))];
    const salePlacement = { one: await placement(oneSale!.id), many: await Promise.all(manySales.map(async (sale) => `${sale.id}→${await placement(sale.id)}`)) };
    await stopChild(app.child);
    await closeRedis(redis);
    return { name, one: { ...one, loadAvg1Before: oneLoad }, many: { ...many, loadAvg1Before: manyLoad }, checks, salePlacement };
  }

  // ------------------------------------------------------------------------- 2b: one sale, K = 1 vs K stock buckets
  async function runBuckets(nodes: string[], clusterSeed: string) {
    const redis = createRedisClient({ url: benchEnv.REDIS_URL, clusterNodes: nodes });
    const app = await startApp(`cluster, K=1 vs K=${stockBucketCount}`, { REDIS_CLUSTER_NODES: nodes.join(",") });
    const primaries = (await clusterNodes(clusterSeed)).filter((node) => node.role === "master");
    const statNodes = primaries.map((node) => node.address);
    await warmSessions(redis, userCount);
    const [warmUpSale, unsplit, split] = await Promise.all([newSale(stock), newSale(stock, 1), newSale(stock, stockBucketCount)]);
    const reserveUrl = `${app.url}/api/trpc/sale.reserve`;
    await wrkReplay({ url: `${app.url}/api/trpc/system.noop`, bodies: ["{}"], quota: 2_000, connections: concurrency, capSeconds: 30, countAll: true });
    await wrkReplay({ url: reserveUrl, bodies: bodiesFor([warmUpSale!.id], warmUpAttempts), quota: warmUpAttempts, connections: concurrency, capSeconds: 60 });
    const placement = async (saleId: number, stockBuckets: number) =>
      Promise.all(
        Array.from({ length: stockBuckets }, async (_, bucket) => {
          const slot = await slotOf(clusterSeed, saleBucketKeys(saleId, bucket, stockBuckets).meta);
          return `b${bucket}→${ownerOf(primaries, slot)?.address ?? "?"} (slot ${slot})`;
        }),
      );
    const phases = [];
    for (const [sale, stockBuckets] of [
      [unsplit!, 1],
      [split!, stockBucketCount],
    ] as const) {
      console.log(`→ buckets: reserve, 1 sale with K=${stockBuckets}, ${attempts} attempts, c=${concurrency}`);
      const loadAvg1Before = loadavg()[0]!;
      const phase = await measureRedis(statNodes, () => wrkReplay({ url: reserveUrl, bodies: bodiesFor([sale.id], attempts), quota: attempts, connections: concurrency, capSeconds: 120 }));
      phases.push({ stockBuckets, ...phase, loadAvg1Before, check: await verify(redis, sale.id, stock), placement: await placement(sale.id, stockBuckets) });
    }
    await stopChild(app.child);
    await closeRedis(redis);
    return phases;
  }

  const loadBefore = loadavg().map((value) => round(value, 2));
  const single = onlyBuckets || onlyFailover ? null : await runTopology("single", [singleRedis], { REDIS_URL: benchEnv.REDIS_URL, REDIS_CLUSTER_NODES: "" });
  let cluster: Awaited<ReturnType<typeof runTopology>> | null = null;
  let buckets: Awaited<ReturnType<typeof runBuckets>> | null = null;
  if (!onlyFailover) {
    const clusterSeeds = startCluster({ firstPort: Number(flags["cluster-port"]), replicas: 0 });
    cluster = onlyBuckets ? null : await runTopology("cluster", clusterSeeds, { REDIS_CLUSTER_NODES: clusterSeeds.join(",") }, clusterSeeds[0]);
    buckets = await runBuckets(clusterSeeds, clusterSeeds[0]!);
    clusterScript("stop", startedClusters.pop()!);
  }

  // ------------------------------------------------------------------------- 3: failover
  const failover = flags["no-failover"] || onlyBuckets ? null : await runFailover(0);
  // The same drill with the replica cut off for --forced-lag-ms before the kill: a replica that far behind, so the
  // writes it never received (holds included) are really lost with the primary.
  const forcedLagMs = Number(flags["forced-lag-ms"]);
  const failoverLagged = flags["no-failover"] || onlyBuckets || forcedLagMs <= 0 ? null : await runFailover(forcedLagMs);

  async function runFailover(lagMs: number) {
    const spec = { firstPort: Number(flags["failover-port"]), replicas: 1 };
    const seeds = startCluster(spec);
    const app = await startApp("failover", { REDIS_CLUSTER_NODES: seeds.join(",") });
    const redis = createRedisClient({ url: benchEnv.REDIS_URL, clusterNodes: seeds });
    await warmSessions(redis, failoverUsers);
    const [warmUpSale, sale] = await Promise.all([newSale(stock), createFlashSale(db, { opensAt, quantity: failoverStock, perUserLimit: 1, holdMinutes: 10 })]);
    await wrkReplay({ url: `${app.url}/api/trpc/sale.reserve`, bodies: bodiesFor([warmUpSale!.id], 2_000), quota: 2_000, connections: concurrency, capSeconds: 30 });

    const topology = await clusterNodes(seeds[0]!);
    const slot = await slotOf(seeds[0]!, saleKeys(sale!.id).meta);
    const victim = ownerOf(topology, slot)!;
    const replica = topology.find((node) => node.masterId === victim.id)!;
    const processId = (address: string) => withNode(address, async (connection) => Number(infoFields(await connection.info("server")).get("process_id")));
    const victimPid = await processId(victim.address);
    const replicaPid = await processId(replica.address);
    console.log(`→ failover${lagMs ? ` (replica frozen ${lagMs} ms before the kill)` : ""}: sale ${sale!.id} (slot ${slot}) on ${victim.address} (pid ${victimPid}), replica ${replica.address}; ${failoverRate} req/s for ${failoverSeconds} s, kill after ${killAfterS} s`);

    const tokens = tokensFor(sale!.id, failoverUsers);
    const bodies = Array.from({ length: Math.ceil(failoverRate * failoverSeconds) }, (_, index) =>
      trpcBody({ saleId: sale!.id, idempotencyKey: `fo-${sale!.id}-${String(index).padStart(8, "0")}`, purchaseToken: tokens[index % failoverUsers] }),
    );

    // The promoted replica's view of the holds, read the moment it answers as a primary (before any reconcile ran).
    let killAt = 0;
    let promotedAt = 0;
    let replicationLagBytes: number | null = null;
    let victimOffsetAtKill = 0;
    let promotedOffset = 0;
    let holdsOnPromoted: Set<string> | null = null;
    const watchPromotion = async () => {
      const connection = nodeConnection(replica.address);
      await connection.connect();
      try {
        while (performance.now() - killAt < 30_000) {
          const role = (await connection.call("ROLE")) as [string];
          if (role[0] === "master") {
            promotedAt = performance.now();
            promotedOffset = Number(infoFields(await connection.info("replication")).get("master_repl_offset"));
            const holds = (await connection.zrange(saleKeys(sale!.id).holds, "0", "-1")) as string[];
            holdsOnPromoted = new Set(holds);
            return;
          }
          await sleep(20);
        }
      } finally {
        connection.disconnect();
      }
    };
    let promotion: Promise<void> = Promise.resolve();
    const replicationOffset = (address: string, field: string) => withNode(address, async (connection) => Number(infoFields(await connection.info("replication")).get(field)));
    const kill = async () => {
      // How far the replica was behind, read just before the kill (bytes of the replication stream).
      const replicaOffset = await replicationOffset(replica.address, "slave_repl_offset");
      if (lagMs > 0) {
        // Freeze the replica so it cannot reconnect, then cut its link on the primary: what the primary writes from
        // now on stays in its own backlog and dies with it (a frozen replica alone still gets it via its socket buffer).
        process.kill(replicaPid, "SIGSTOP");
        await withNode(victim.address, (connection) => connection.call("CLIENT", "KILL", "TYPE", "replica"));
      }
      try {
        await sleep(lagMs);
        victimOffsetAtKill = await replicationOffset(victim.address, "master_repl_offset");
        replicationLagBytes = victimOffsetAtKill - replicaOffset;
        process.kill(victimPid, "SIGKILL");
      } finally {
        if (lagMs > 0) process.kill(replicaPid, "SIGCONT");
      }
      killAt = performance.now();
      wallKillAt = Date.now();
      promotion = watchPromotion();
    };
    let wallKillAt = 0;
    const answers = await openLoop({ url: `${app.url}/api/trpc/sale.reserve`, bodies, ratePerS: failoverRate, killAtMs: killAfterS * 1000 - lagMs, onKill: kill });
    await promotion;

    const relative = (at: number) => round(at - killAt, 0);
    const failed = answers.filter((answer) => answer.status !== 200 && answer.status !== 429);
    const afterKill = answers.filter((answer) => answer.sentAt >= killAt);
    const lastFailure = failed.at(-1);
    const firstFailure = failed.reduce<Answer | undefined>((first, answer) => (!first || answer.doneAt < first.doneAt ? answer : first), undefined);
    const lastFailureDone = failed.reduce((latest, answer) => Math.max(latest, answer.doneAt), 0);
    const recovered = afterKill.find((answer) => answer.status === 200 && (!lastFailure || answer.sentAt > lastFailure.sentAt));
    const statusCounts: Record<string, number> = {};
    for (const answer of failed) statusCounts[String(answer.status)] = (statusCounts[String(answer.status)] ?? 0) + 1;
    // A buyer's repeated press in the same session is answered with its live hold again (same order id): count orders.
    const wonBeforeKill = [...new Set(answers.filter((answer) => answer.orderId && answer.doneAt < killAt).map((answer) => answer.orderId!))];
    const lostHolds = holdsOnPromoted ? wonBeforeKill.filter((orderId) => !holdsOnPromoted!.has(orderId)).length : null;
    const windowAnswers = failed.length > 0 ? answers.filter((answer) => answer.doneAt >= firstFailure!.doneAt && answer.doneAt <= lastFailureDone) : [];

    // Per 500 ms around the kill: answered OK / failed / WON.
    const timeline: Array<{ fromMs: number; ok: number; failed: number; won: number; maxLatencyMs: number }> = [];
    const seenOrders = new Set<string>();
    for (const answer of answers) {
      const bucket = Math.floor((answer.sentAt - killAt) / 500) * 500;
      let row = timeline.find((candidate) => candidate.fromMs === bucket);
      if (!row) timeline.push((row = { fromMs: bucket, ok: 0, failed: 0, won: 0, maxLatencyMs: 0 }));
      if (answer.status === 200 || answer.status === 429) row.ok += 1;
      else row.failed += 1;
      if (answer.orderId && !seenOrders.has(answer.orderId)) {
        seenOrders.add(answer.orderId);
        row.won += 1;
      }
      row.maxLatencyMs = Math.max(row.maxLatencyMs, round(answer.doneAt - answer.sentAt, 0));
    }
    timeline.sort((a, b) => a.fromMs - b.fromMs);

    // A fresh client: the promoted replica is a primary now.
    const after = createRedisClient({ url: benchEnv.REDIS_URL, clusterNodes: seeds.filter((seed) => seed !== victim.address) });
    const atEnd = await verify(after, sale!.id, failoverStock);
    const reconcileWaitS = Number(flags["reconcile-wait"]);
    console.log(`→ failover: waiting ${reconcileWaitS} s for the app's due-work reconcile (every DUE_WORK_INTERVAL_MS = 5 s)`);
    await sleep(reconcileWaitS * 1000);
    const afterDueWork = await verify(after, sale!.id, failoverStock);
    await stopChild(app.child);
    await closeRedis(after);
    await closeRedis(redis);
    clusterScript("stop", startedClusters.pop()!);

    return {
      forcedReplicaLagMs: lagMs,
      sale: sale!.id,
      slot,
      killedPrimary: victim.address,
      promotedReplica: replica.address,
      killedAtUtc: new Date(wallKillAt).toISOString(),
      ratePerS: failoverRate,
      sent: answers.length,
      failedAnswers: failed.length,
      failedByStatus: statusCounts,
      failedWithRetryAfter: failed.filter((answer) => answer.retryAfter).length,
      firstFailureMs: firstFailure ? relative(firstFailure.doneAt) : null,
      lastFailureMs: failed.length ? relative(lastFailureDone) : null,
      errorWindowMs: failed.length ? round(lastFailureDone - firstFailure!.doneAt, 0) : 0,
      maxLatencyInWindowMs: windowAnswers.length ? Math.max(...windowAnswers.map((answer) => round(answer.doneAt - answer.sentAt, 0))) : null,
      replicaPromotedMs: promotedAt ? relative(promotedAt) : null,
      recoveredMs: recovered ? relative(recovered.doneAt) : null,
      replicationLagBytesAtKill: replicationLagBytes,
      // What the dead primary had written that the promoted replica never got (its offset read at promotion).
      bytesLostWithPrimary: promotedOffset ? Math.max(0, victimOffsetAtKill - promotedOffset) : null,
      wonBeforeKill: wonBeforeKill.length,
      lostHolds,
      ordersWon: new Set(answers.flatMap((answer) => (answer.orderId ? [answer.orderId] : []))).size,
      atEnd,
      afterDueWork,
      timeline,
    };
  }

  await db.$disconnect();
  const loadAfter = loadavg().map((value) => round(value, 2));

  // ------------------------------------------------------------------------- report
  const phaseRow = (label: string, phase: TopologyReport["one"]) => {
    const result = phase.result as ScriptResult;
    return {
      phase: label,
      attempts: result.completed,
      "req/s": Math.round(result.rps),
      "p50 ms": round(result.p50Ms, 2),
      "p99 ms": round(result.p99Ms, 2),
      won: result.won,
      errors: result.errors + result.socketErrors + result.otherOutcome,
      "Redis CPU µs/attempt": phase.total.cpuUsPerAttempt,
      "EVALSHA µs/attempt": phase.total.evalshaUsPerAttempt,
      "cmds/attempt": phase.total.callsPerAttempt,
    };
  };
  if (single && cluster) {
  console.table([
    phaseRow("single, 1 sale", single.one),
    phaseRow(`single, ${saleCount} sales`, single.many),
    phaseRow("cluster, 1 sale", cluster.one),
    phaseRow(`cluster, ${saleCount} sales`, cluster.many),
  ]);
  console.log("Redis CPU per node (µs per attempt; EVALSHA calls):");
  console.table(
    [single, cluster].flatMap((topology) =>
      (["one", "many"] as const).flatMap((which) =>
        topology[which].nodes.map((node) => ({ phase: `${topology.name}, ${which === "one" ? "1 sale" : `${saleCount} sales`}`, node: node.node, "CPU ms": node.cpuMs, "CPU µs/attempt": node.cpuUsPerAttempt, "EVALSHA calls": node.evalshaCalls, "EVALSHA µs/attempt": node.evalshaUsPerAttempt })),
      ),
    ),
  );
  console.log(`cluster placement: 1-sale phase on ${cluster.salePlacement.one}; ${saleCount} sales: ${cluster.salePlacement.many.join(", ")}`);
  console.table([...single.checks.map((check) => ({ topology: "single", ...check })), ...cluster.checks.map((check) => ({ topology: "cluster", ...check }))]);
  }
  if (buckets) {
    console.log(`one sale on the 3-primary cluster, K=1 vs K=${stockBucketCount} stock buckets:`);
    console.table(buckets.map((phase) => ({ ...phaseRow(`K=${phase.stockBuckets}`, phase), placement: phase.placement.join(", ") })));
    console.table(buckets.flatMap((phase) => phase.nodes.map((node) => ({ phase: `K=${phase.stockBuckets}`, node: node.node, "CPU ms": node.cpuMs, "CPU µs/attempt": node.cpuUsPerAttempt, "EVALSHA calls": node.evalshaCalls, "EVALSHA µs/attempt": node.evalshaUsPerAttempt }))));
    console.table(buckets.map((phase) => ({ phase: `K=${phase.stockBuckets}`, ...phase.check })));
  }
  for (const drill of [failover, failoverLagged]) {
    if (!drill) continue;
    const { timeline, atEnd, afterDueWork, ...rest } = drill;
    console.log(`failover${drill.forcedReplicaLagMs ? ` with the replica ${drill.forcedReplicaLagMs} ms behind` : ""}: timeline (ms relative to the kill, by send time):`);
    console.table(timeline.filter((row) => row.fromMs >= -1000 && row.fromMs <= 8000));
    console.table([{ check: "right after the load", ...atEnd }, { check: "after due-work reconcile", ...afterDueWork }]);
    console.log(rest);
  }
  console.log(`load average before ${loadBefore.join(" ")}, after ${loadAfter.join(" ")} (${cpus().length} cores; wrk: 1 thread)`);

  const phaseSummary = (phase: TopologyReport["one"]) => {
    const result = phase.result as ScriptResult;
    return {
      attempts: result.completed,
      rps: Math.round(result.rps),
      p50Ms: round(result.p50Ms, 2),
      p99Ms: round(result.p99Ms, 2),
      won: result.won,
      errors: result.errors + result.socketErrors + result.otherOutcome,
      redisCpuUsPerAttempt: phase.total.cpuUsPerAttempt,
      evalshaUsPerAttempt: phase.total.evalshaUsPerAttempt,
      perNodeCpuUsPerAttempt: Object.fromEntries(phase.nodes.map((node) => [node.node, node.cpuUsPerAttempt])),
      loadAvg1Before: round(phase.loadAvg1Before, 2),
    };
  };
  const checks = [...(single?.checks ?? []), ...(cluster?.checks ?? []), ...(buckets ?? []).map((phase) => phase.check)];
  const summary = {
    generator: "wrk -t1 (pre-minted bodies); failover: open-loop node:http from the benchmark process",
    users: userCount,
    stock,
    concurrency,
    sales: saleCount,
    single: single ? { redis: singleRedis, one: phaseSummary(single.one), many: phaseSummary(single.many) } : null,
    cluster: cluster
      ? { primaries: cluster.one.nodes.map((node) => node.node), oneSaleOn: cluster.salePlacement.one, manySalesOn: cluster.salePlacement.many, one: phaseSummary(cluster.one), many: phaseSummary(cluster.many) }
      : null,
    // One sale on the 3-primary cluster with K = 1 and with K stock buckets: per-primary Redis CPU per attempt.
    stockBuckets: (buckets ?? []).map((phase) => ({
      stockBuckets: phase.stockBuckets,
      placement: phase.placement,
      ...phaseSummary({ ...phase, loadAvg1Before: phase.loadAvg1Before }),
      evalshaCallsPerNode: Object.fromEntries(phase.nodes.map((node) => [node.node, node.evalshaCalls])),
      check: phase.check,
    })),
    oversold: checks.reduce((sum, check) => sum + check.oversold, 0),
    overLimitUsers: checks.reduce((sum, check) => sum + check.overLimitUsers, 0),
    redisDbDrift: checks.reduce((sum, check) => sum + check.drift, 0),
    failover: failover ? (({ timeline: _timeline, ...rest }) => rest)(failover) : null,
    failoverLagged: failoverLagged ? (({ timeline: _timeline, ...rest }) => rest)(failoverLagged) : null,
    loadAvgBefore: loadBefore,
    loadAvgAfter: loadAfter,
  };
  console.log(JSON.stringify(summary));
}

// ---------------------------------------------------------------------------------------------------------------
// Open-loop load for the failover drill: a fixed send rate whatever the answers do, every answer timed.

type Answer = { sentAt: number; doneAt: number; status: number; orderId?: string; retryAfter?: string };

async function openLoop(options: { url: string; bodies: string[]; ratePerS: number; killAtMs: number; onKill: () => Promise<void> }) {
  const url = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const answers: Answer[] = [];
  const maxInFlight = 512;
  let inFlight = 0;
  let skipped = 0;
  const send = (body: string) =>
    new Promise<void>((resolve) => {
      const sentAt = performance.now();
      inFlight += 1;
      const finish = (status: number, text = "", retryAfter?: string) => {
        inFlight -= 1;
        const orderId = status === 200 && text.includes('"outcome":"WON"') ? /"orderId":"(\w+)"/.exec(text)?.[1] : undefined;
        answers.push({ sentAt, doneAt: performance.now(), status, ...(orderId ? { orderId } : {}), ...(retryAfter ? { retryAfter } : {}) });
        resolve();
      };
      const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", agent, headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) }, timeout: 10_000 }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => finish(res.statusCode ?? 0, text, res.headers["retry-after"]));
        res.on("error", () => finish(0));
      });
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", () => finish(0));
      req.end(body);
    });

  const pending: Promise<void>[] = [];
  const start = performance.now();
  let killed = false;
  let kill: Promise<void> = Promise.resolve();
  for (let index = 0; index < options.bodies.length; index += 1) {
    const due = start + (index * 1000) / options.ratePerS;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    if (!killed && performance.now() - start >= options.killAtMs) {
      killed = true;
      kill = options.onKill();
    }
    if (inFlight >= maxInFlight) {
      skipped += 1;
      continue;
    }
    pending.push(send(options.bodies[index]!));
  }
  await kill;
  await Promise.all(pending);
  agent.destroy();
  if (skipped > 0) console.warn(`  open loop: ${skipped} sends skipped (more than ${maxInFlight} in flight)`);
  return answers.sort((a, b) => a.sentAt - b.sentAt);
}

runBenchmark(main, { cleanUp: stopClusters });
