// Micro-benchmark: EVALSHA of a trivial script through raw ioredis vs @upstash/redis over our TCP requester, to keep
// the requester's overhead visible. Run: npx tsx scripts/bench-redis-requester.ts [N] [concurrency]
// With REDIS_CLUSTER_NODES set it also measures the cluster requester against a raw ioredis Cluster (each call keyed
// by one of 64 hash tags, so calls spread over the primaries as a sale's traffic across sales would).
import "~/server/load-env.ts";

import { createHash } from "node:crypto";

import { Redis } from "@upstash/redis";
import { Cluster, Redis as IORedis } from "ioredis";

import { env } from "~/server/env.js";
import { createClusterRequester, createTcpRequester, parseClusterNodes } from "~/server/redis.ts";

const total = Number(process.argv[2] ?? 50_000);
const concurrency = Number(process.argv[3] ?? 64);
const rounds = 3;

const lua = "return tonumber(ARGV[1]) + 1";
const sha = createHash("sha1").update(lua).digest("hex");

/** Runs `total` calls with `concurrency` callers in flight and returns calls per second. */
async function measure(call: () => Promise<unknown>): Promise<number> {
  let remaining = total;
  const worker = async () => {
    while (remaining > 0) {
      remaining--;
      await call();
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return total / ((performance.now() - start) / 1_000);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const io = new IORedis(env.REDIS_URL, { lazyConnect: true, protocol: 2 });
const requester = createTcpRequester(env.REDIS_URL);
const requesterNoSocketTimeout = createTcpRequester(env.REDIS_URL, { socketTimeoutMs: 0 });
const upstash = new Redis(requester);
const upstashNoSocketTimeout = new Redis(requesterNoSocketTimeout);

const contenders: Record<string, () => Promise<unknown>> = {
  "raw ioredis evalsha": () => io.evalsha(sha, 0, "1"),
  "@upstash/redis + TCP requester": () => upstash.evalsha(sha, [], ["1"]),
  "  same, socketTimeoutMs: 0": () => upstashNoSocketTimeout.evalsha(sha, [], ["1"]),
};

await io.script("LOAD", lua);

const clusterNodes = parseClusterNodes(env.REDIS_CLUSTER_NODES);
const cluster = clusterNodes && new Cluster(clusterNodes.map((node) => ({ host: node.split(":")[0]!, port: Number(node.split(":")[1]) })), { lazyConnect: true, redisOptions: { protocol: 2 } });
const clusterRequester = clusterNodes && createClusterRequester(clusterNodes);
if (cluster && clusterRequester) {
  await cluster.connect();
  // Every primary has its own script cache.
  for (const node of cluster.nodes("master")) await node.script("LOAD", lua);
  const upstashCluster = new Redis(clusterRequester);
  let call = 0;
  const nextKey = () => `bench:{t${call++ % 64}}`;
  contenders["raw ioredis Cluster evalsha (keyed)"] = () => cluster.evalsha(sha, 1, nextKey(), "1");
  contenders["@upstash/redis + cluster requester"] = () => upstashCluster.evalsha(sha, [nextKey()], ["1"]);
}
const samples = new Map<string, number[]>();
for (const [name, call] of Object.entries(contenders)) {
  await measure(call); // warm-up: connect, JIT
  samples.set(name, []);
}
// Interleaved rounds, so drift (CPU frequency, other load) hits every contender alike.
for (let round = 0; round < rounds; round++) {
  for (const [name, call] of Object.entries(contenders)) samples.get(name)!.push(await measure(call));
}

console.log(`EVALSHA x ${total}, concurrency ${concurrency}, median of ${rounds} rounds (Node ${process.version})`);
const baseline = median(samples.get("raw ioredis evalsha")!);
for (const [name, values] of samples) {
  const opsPerSecond = median(values);
  console.log(`${name.padEnd(34)} ${Math.round(opsPerSecond).toLocaleString("en-US").padStart(8)} ops/s  ${((opsPerSecond / baseline) * 100).toFixed(0)}%`);
}

io.disconnect();
cluster?.disconnect();
await clusterRequester?.close();
await requester.close();
await requesterNoSocketTimeout.close();
process.exit(0);
