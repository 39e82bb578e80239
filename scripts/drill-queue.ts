/**
 * Waiting-room failover drill: `npm run drill:queue [-- --users 3000 --rate 500 --kill-after 2 --forced-lag-ms 1000]`.
 *
 * Does an acknowledged place in line survive the loss of Redis? One database of its own (flashmart_drill_queue), key
 * prefix `fmdrillq:`, the production app (server/main.ts) driven over HTTP (`sale.queueJoin` with pre-minted purchase
 * tokens, each of --users people joining once, open loop at --rate joins/s from this process), in two variants:
 *   1. primary-kill  a local cluster with one replica per primary (scripts/redis-cluster.sh on --cluster-port, default
 *                    7401–7406; the 7001–7003 test cluster is left alone). After --kill-after seconds the primary owning
 *                    the sale's slot is killed (SIGKILL); with --forced-lag-ms (default 1000) its replica is first cut
 *                    off for that long, so the joins of that last second really are missing on the promoted replica.
 *   2. flushall      a standalone Redis on the same first port (after the cluster is gone), FLUSHALL mid-joins.
 * People whose join failed retry once after the load. Then, after the app's due-work reconcile had time to run, the
 * line is read from Redis and compared with every acknowledged answer: a place is lost if the person is missing or
 * stands further back than the position they were told (moving forward is fine: places that were never acknowledged
 * are taken back). Prints one JSON line (last line).
 */
import "~/server/load-env.ts";

import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

import { benchAppEnv, childStarter, resetDatabaseAndBuild, round, runBenchmark, trpcBody, waitForApp, warmPurchaseSessions } from "~/scripts/bench/app.ts";
import { clusterNodes, nodeConnection, withNode, type ClusterNode } from "~/scripts/bench/redis-nodes.ts";
import { freePort, stopChild } from "~/server/testing/child-processes.ts";

const { values: flags } = parseArgs({
  options: {
    users: { type: "string", default: "3000" },
    rate: { type: "string", default: "500" },
    "kill-after": { type: "string", default: "2" },
    "forced-lag-ms": { type: "string", default: "1000" },
    "cluster-port": { type: "string", default: "7401" },
    "reconcile-wait": { type: "string", default: "7" },
    build: { type: "boolean", default: false },
  },
});
const userCount = Number(flags.users);
const ratePerS = Number(flags.rate);
const killAfterMs = Number(flags["kill-after"]) * 1000;
const forcedLagMs = Number(flags["forced-lag-ms"]);
const firstPort = Number(flags["cluster-port"]);
const prefix = "fmdrillq:";

process.on("SIGINT", () => process.exit(130));
const startProcess = childStarter("drill-queue");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------------------
// Redis nodes: the cluster through scripts/redis-cluster.sh, the standalone one directly

let isClusterRunning = false;
let standalonePidFile: string | null = null;

function clusterScript(action: "start" | "stop") {
  const result = spawnSync("bash", ["scripts/redis-cluster.sh", action], { env: { ...process.env, REDIS_CLUSTER_PORT: String(firstPort), REDIS_CLUSTER_REPLICAS: "1" }, encoding: "utf8" });
  process.stdout.write(result.stdout);
  if (result.status !== 0) throw new Error(`redis-cluster.sh ${action} on ${firstPort} failed: ${result.stderr}`);
  isClusterRunning = action === "start";
}

function startStandalone() {
  const dir = mkdtempSync(join(tmpdir(), "drill-queue-redis-"));
  standalonePidFile = join(dir, "redis.pid");
  const args = ["--port", String(firstPort), "--bind", "127.0.0.1", "--daemonize", "yes", "--save", "", "--appendonly", "no", "--dir", dir, "--pidfile", standalonePidFile, "--logfile", join(dir, "redis.log")];
  if (spawnSync("redis-server", args, { stdio: "inherit" }).status !== 0) throw new Error("redis-server did not start");
}

async function stopStandalone() {
  if (!standalonePidFile) return;
  standalonePidFile = null;
  await withNode(`127.0.0.1:${firstPort}`, (connection) => connection.call("SHUTDOWN", "NOSAVE")).catch(() => {});
}


const processId = (address: string) => withNode(address, async (connection) => Number(/process_id:(\d+)/.exec(await connection.info("server"))?.[1]));

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  const sandboxPort = await freePort();
  const benchEnv = {
    ...benchAppEnv({ databaseUrl: process.env.DRILL_QUEUE_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/flashmart_drill_queue", redisKeyPrefix: prefix, sandboxPort }),
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    REDIS_CLUSTER_NODES: "",
    // Each person joins once (and retries once), far below the per-person join limit: nothing here is a 429.
    DUE_WORK_INTERVAL_MS: "5000",
  };
  Object.assign(process.env, benchEnv);
  resetDatabaseAndBuild(benchEnv, { build: flags.build });
  startProcess("server/payment-sandbox/server.ts", { ...benchEnv, PAYMENT_SANDBOX_PORT: String(sandboxPort) });

  const { createPrismaClient } = await import("~/server/db.ts");
  const { createUsers, createFlashSale } = await import("~/server/testing/factories.ts");
  const { issuePurchaseToken } = await import("~/server/domain/sales/purchase-token.ts");
  const { freshPurchaseSession } = await import("~/server/testing/sales.ts");
  const { saleKeys } = await import("~/server/domain/sales/keys.ts");
  const { createRedisClient, closeRedis } = await import("~/server/redis.ts");
  const { systemClock } = await import("~/server/clock.ts");
  const { configFromEnv } = await import("~/server/config.ts");
  const config = configFromEnv();
  const db = createPrismaClient(benchEnv.DATABASE_URL, 8);

  console.log(`→ creating ${userCount} users`);
  const users = await createUsers(db, userCount);

  async function runVariant(variant: "primary-kill" | "flushall") {
    const isCluster = variant === "primary-kill";
    let seeds: string[] = [];
    if (isCluster) {
      clusterScript("start");
      seeds = [0, 1, 2].map((offset) => `127.0.0.1:${firstPort + offset}`);
    } else {
      startStandalone();
    }
    const redisUrl = `redis://127.0.0.1:${firstPort}`;
    const redisEnv = isCluster ? { REDIS_CLUSTER_NODES: seeds.join(",") } : { REDIS_URL: redisUrl, REDIS_CLUSTER_NODES: "" };
    const port = await freePort();
    const appUrl = `http://127.0.0.1:${port}`;
    console.log(`→ ${variant}: starting the app on :${port}`);
    const app = startProcess("server/main.ts", { ...benchEnv, ...redisEnv, PORT: String(port), APP_URL: appUrl });
    await waitForApp(appUrl, app);
    const redis = createRedisClient({ url: redisUrl, clusterNodes: isCluster ? seeds : undefined });
    await warmPurchaseSessions({ db, redis, clock: systemClock, config }, users);

    // The line is open (the sale opens in an hour), so every join takes or finds a place.
    const newSale = () => createFlashSale(db, { opensAt: new Date(Date.now() + 3_600_000), quantity: 100, perUserLimit: 1, waitingRoomEnabled: true, queueOpensMinutesBefore: 120 });
    const [warmUpSale, sale] = [await newSale(), await newSale()];
    const nowMs = Date.now();
    const bodiesFor = (saleId: number) => users.map((user) => trpcBody({ saleId, purchaseToken: issuePurchaseToken({ config }, { userId: user.id, saleId, session: freshPurchaseSession() }, nowMs).token }));
    const joinUrl = `${appUrl}/api/trpc/sale.queueJoin`;
    await openLoop({ url: joinUrl, bodies: bodiesFor(warmUpSale.id).slice(0, 1_000), ratePerS: 1_000, killAtMs: Infinity, onKill: async () => {} });

    const keys = saleKeys(sale.id);
    let killAt = 0;
    let victim: ClusterNode | undefined;
    let onRedisAfterLoss: Set<string> | null = null;
    let promotedAfterMs: number | null = null;
    const kill = async () => {
      if (isCluster) {
        const topology = await clusterNodes(seeds[0]!);
        const slot = Number(await withNode(seeds[0]!, (connection) => connection.call("CLUSTER", "KEYSLOT", keys.queue)));
        victim = topology.find((node) => node.role === "master" && node.slots.some(([from, to]) => slot >= from && slot <= to))!;
        const replica = topology.find((node) => node.masterId === victim!.id)!;
        const [victimPid, replicaPid] = [await processId(victim.address), await processId(replica.address)];
        if (forcedLagMs > 0) {
          // Freeze the replica and cut its link: what the primary writes from now on dies with it.
          process.kill(replicaPid, "SIGSTOP");
          await withNode(victim.address, (connection) => connection.call("CLIENT", "KILL", "TYPE", "replica"));
        }
        try {
          await sleep(forcedLagMs);
          process.kill(victimPid, "SIGKILL");
        } finally {
          if (forcedLagMs > 0) process.kill(replicaPid, "SIGCONT");
        }
        killAt = performance.now();
        void (async () => {
          const connection = nodeConnection(replica.address);
          await connection.connect();
          try {
            while (performance.now() - killAt < 30_000) {
              if (((await connection.call("ROLE")) as [string])[0] === "master") {
                promotedAfterMs = round(performance.now() - killAt, 0);
                onRedisAfterLoss = new Set((await connection.zrange(keys.queue, "0", "-1")).map(String));
                return;
              }
              await sleep(20);
            }
          } finally {
            connection.disconnect();
          }
        })();
      } else {
        await withNode(`127.0.0.1:${firstPort}`, (connection) => connection.call("FLUSHALL"));
        killAt = performance.now();
        onRedisAfterLoss = new Set();
      }
    };

    const bodies = bodiesFor(sale.id);
    console.log(`→ ${variant}: ${users.length} joins at ${ratePerS}/s, ${isCluster ? `primary killed (replica cut off ${forcedLagMs} ms before)` : "FLUSHALL"} after ${killAfterMs} ms`);
    const answers = await openLoop({ url: joinUrl, bodies, ratePerS, killAtMs: killAfterMs - (isCluster ? forcedLagMs : 0), onKill: kill });
    // What the people were told: their position, for everyone answered JOINED/ALREADY.
    const told = new Map<number, number>();
    answers.forEach((answer) => answer.position !== undefined && told.set(answer.index, answer.position));
    const ackedBeforeKill = answers.filter((answer) => answer.position !== undefined && answer.doneAt < killAt).map((answer) => answer.index);

    // Everyone refused retries once, now that Redis is back.
    await sleep(2_000);
    const refused = answers.filter((answer) => answer.position === undefined);
    const retries = await openLoop({ url: joinUrl, bodies: refused.map((answer) => bodies[answer.index]!), ratePerS, killAtMs: Infinity, onKill: async () => {} });
    retries.forEach((answer, index) => answer.position !== undefined && told.set(refused[index]!.index, answer.position));

    const waitS = Number(flags["reconcile-wait"]);
    console.log(`→ ${variant}: waiting ${waitS} s for the app's due-work reconcile`);
    await sleep(waitS * 1000);
    await closeRedis(redis);
    const after = createRedisClient({ url: redisUrl, clusterNodes: isCluster ? seeds.filter((seed) => seed !== victim?.address) : undefined });
    const line = (await after.zrange<string[]>(keys.queue, 0, -1)).map(String);
    const finalPosition = new Map(line.map((userId, index) => [userId, index + 1]));
    const logged = await db.queueEntry.count({ where: { saleId: sale.id } });
    await closeRedis(after);

    let lost = 0;
    let movedForward = 0;
    for (const [index, position] of told) {
      const now = finalPosition.get(users[index]!.id);
      if (now === undefined || now > position) lost += 1;
      else if (now < position) movedForward += 1;
    }
    const lostByRedis = onRedisAfterLoss ? ackedBeforeKill.filter((index) => !onRedisAfterLoss!.has(users[index]!.id)).length : null;
    const failed = answers.filter((answer) => answer.position === undefined);
    const byStatus: Record<string, number> = {};
    for (const answer of failed) byStatus[String(answer.status)] = (byStatus[String(answer.status)] ?? 0) + 1;
    const firstOkAfterKill = answers.find((answer) => answer.sentAt >= killAt && answer.position !== undefined);
    const lastFailure = failed.reduce((latest, answer) => Math.max(latest, answer.doneAt), 0);

    await stopChild(app);
    if (isCluster) clusterScript("stop");
    else await stopStandalone();
    return {
      variant,
      sale: sale.id,
      ...(isCluster ? { killedPrimary: victim?.address ?? null, forcedReplicaLagMs: forcedLagMs, replicaPromotedMs: promotedAfterMs } : {}),
      joinsSent: answers.length,
      joinsAcknowledged: answers.length - failed.length,
      acknowledgedBeforeLoss: ackedBeforeKill.length,
      acknowledgedMissingInRedisAfterLoss: lostByRedis,
      errorsInWindow: failed.length,
      errorsByStatus: byStatus,
      errorWindowMs: failed.length ? round(lastFailure - Math.min(...failed.map((answer) => answer.doneAt)), 0) : 0,
      recoveryMs: firstOkAfterKill ? round(firstOkAfterKill.doneAt - killAt, 0) : null,
      retriedAcknowledged: retries.filter((answer) => answer.position !== undefined).length,
      acknowledgedTotal: told.size,
      lostPlaces: lost,
      movedForward,
      lineLength: line.length,
      loggedEntries: logged,
    };
  }

  const primaryKill = await runVariant("primary-kill");
  const flushall = await runVariant("flushall");
  await db.$disconnect();
  const summary = {
    generator: "open-loop node:http sale.queueJoin from the drill process",
    users: userCount,
    ratePerS,
    primaryKill,
    flushall,
    lostPlaces: primaryKill.lostPlaces + flushall.lostPlaces,
    oversold: null,
    oversoldNote: "no reservations in this drill",
  };
  console.log(JSON.stringify(summary));
}

// ---------------------------------------------------------------------------------------------------------------

type Answer = { index: number; sentAt: number; doneAt: number; status: number; position?: number };

/** Open loop: body i is sent at i / rate seconds whatever the answers do; `onKill` runs once at `killAtMs`. */
async function openLoop(options: { url: string; bodies: string[]; ratePerS: number; killAtMs: number; onKill: () => Promise<void> }) {
  const url = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const answers: Answer[] = [];
  const send = (body: string, index: number) =>
    new Promise<void>((resolve) => {
      const sentAt = performance.now();
      const finish = (status: number, text = "") => {
        let position: number | undefined;
        if (status === 200) {
          const data = (JSON.parse(text) as { result?: { data?: { json?: { state?: string; position?: number } } } }).result?.data?.json;
          if (data?.state === "JOINED" || data?.state === "ALREADY") position = data.position;
        }
        answers.push({ index, sentAt, doneAt: performance.now(), status, ...(position !== undefined ? { position } : {}) });
        resolve();
      };
      const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", agent, headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) }, timeout: 10_000 }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => finish(res.statusCode ?? 0, text));
        res.on("error", () => finish(0));
      });
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", () => finish(0));
      req.end(body);
    });
  const pending: Promise<void>[] = [];
  const start = performance.now();
  let kill: Promise<void> | null = null;
  for (let index = 0; index < options.bodies.length; index += 1) {
    const wait = start + (index * 1000) / options.ratePerS - performance.now();
    if (wait > 1) await sleep(wait);
    if (!kill && performance.now() - start >= options.killAtMs) kill = options.onKill();
    pending.push(send(options.bodies[index]!, index));
  }
  await kill;
  await Promise.all(pending);
  agent.destroy();
  return answers.sort((a, b) => a.index - b.index);
}

runBenchmark(main, {
  onFailure: async () => {
    if (isClusterRunning) clusterScript("stop");
    await stopStandalone();
  },
});
