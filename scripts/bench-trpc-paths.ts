/**
 * The framework's cost, measured: the same no-op tRPC mutation served by our Node adapter (server/main.ts) and by
 * Next's route handler (`next start`, app/api/trpc/[trpc]/route.ts). Needs a production build (`npm run build`)
 * and wrk (Debian package). Prints a table and, last, one JSON line.
 *   npx tsx scripts/bench-trpc-paths.ts [--duration 10] [--concurrency 64]
 */
import "~/server/load-env.ts";

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { duration: { type: "string", default: "10" }, concurrency: { type: "string", default: "64" } } });
const duration = Number(values.duration);
const concurrency = Number(values.concurrency);

async function waitForHttp(url: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`${url} did not come up`);
}

function runWrk(url: string) {
  const result = spawnSync("wrk", ["-t1", `-c${concurrency}`, `-d${duration}s`, "--latency", "-s", "scripts/bench/wrk-post.lua", url], { encoding: "utf8" });
  const line = result.stdout.split("\n").find((candidate) => candidate.startsWith("JSON "));
  if (!line) throw new Error(`wrk failed: ${result.stderr || result.stdout}`);
  return JSON.parse(line.slice(5)) as { rps: number; p50Ms: number; p99Ms: number; errors: number; non2xx: number };
}

function start(command: string, args: string[], env: Record<string, string>) {
  return spawn(command, args, { env: { ...process.env, NODE_ENV: "production", DUE_WORK_RUNNER: "off", LOG_LEVEL: "warn", ...env }, stdio: ["ignore", "ignore", "inherit"] });
}

async function measure(name: string, child: ChildProcess, url: string) {
  try {
    await waitForHttp(url);
    runWrk(url); // warm-up pass (JIT, pools), discarded
    return { name, ...runWrk(url) };
  } finally {
    child.kill("SIGTERM");
  }
}

const nodeAdapter = await measure("tRPC Node adapter (server/main.ts)", start("npx", ["tsx", "server/main.ts"], { PORT: "3201" }), "http://127.0.0.1:3201/api/trpc/system.noop");
const nextRoute = await measure("tRPC via Next route handler (next start)", start("npx", ["next", "start", "-p", "3202"], {}), "http://127.0.0.1:3202/api/trpc/system.noop");

console.table([nodeAdapter, nextRoute].map((row) => ({ path: row.name, "req/s": Math.round(row.rps), "p50 ms": row.p50Ms, "p99 ms": row.p99Ms, errors: row.errors + row.non2xx })));
console.log(JSON.stringify({ concurrency, durationS: duration, nodeAdapterRps: Math.round(nodeAdapter.rps), nextRouteRps: Math.round(nextRoute.rps), speedup: Math.round((nodeAdapter.rps / nextRoute.rps) * 10) / 10 }));
process.exit(0);
