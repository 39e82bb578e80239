/** wrk drivers for the page benchmark (scripts/bench-pages.ts): plain GETs for a duration, and replayed tRPC calls. */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type GetResult = { requests: number; rps: number; p50Ms: number; p99Ms: number; non2xx: number; socketErrors: number };

/** Milliseconds from wrk's latency notation ("812.00us", "3.21ms", "1.02s"). */
function toMs(value: string) {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(value.trim());
  if (!match) return Number.NaN;
  const amount = Number(match[1]);
  return match[2] === "us" ? amount / 1000 : match[2] === "ms" ? amount : match[2] === "s" ? amount * 1000 : amount * 60_000;
}

/** Parses `wrk --latency` output. */
export function parseWrkOutput(output: string): GetResult {
  const number = (pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    requests: number(/(\d+) requests in/),
    rps: number(/Requests\/sec:\s+([\d.]+)/),
    p50Ms: toMs(/^\s+50%\s+(\S+)/m.exec(output)?.[1] ?? ""),
    p99Ms: toMs(/^\s+99%\s+(\S+)/m.exec(output)?.[1] ?? ""),
    non2xx: number(/Non-2xx or 3xx responses: (\d+)/),
    socketErrors: socket ? socket.slice(1).reduce((sum, value) => sum + Number(value), 0) : 0,
  };
}

/** GETs one URL for a fixed time. `signal` ends it early (the storm stops when the phase it accompanies ends). */
export function wrkGet(options: { url: string; connections: number; seconds: number; headers?: Record<string, string>; signal?: AbortSignal }) {
  const headerArgs = Object.entries(options.headers ?? {}).flatMap(([name, value]) => ["-H", `${name}: ${value}`]);
  return new Promise<GetResult>((resolve, reject) => {
    const wrk = spawn("wrk", ["-t1", `-c${options.connections}`, `-d${options.seconds}s`, "--timeout", "10s", "--latency", ...headerArgs, options.url]);
    let output = "";
    wrk.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    wrk.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    options.signal?.addEventListener("abort", () => wrk.kill("SIGINT"), { once: true });
    wrk.on("error", reject);
    wrk.on("close", () => {
      const result = parseWrkOutput(output);
      if (!output.includes("Requests/sec")) return reject(new Error(`wrk produced no result:\n${output}`));
      resolve(result);
    });
  });
}

export type ScriptResult = {
  completed: number;
  won: number;
  soldOut: number;
  limited: number;
  otherOutcome: number;
  rateLimited: number;
  errors: number;
  socketErrors: number;
  wrkDurationS: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
  durationS: number;
  rps: number;
};

/**
 * Replays pre-built tRPC requests through scripts/bench/reserve.lua until `quota` answers arrived (or `capSeconds`),
 * timed by the script's START/DONE marks, as scripts/bench-sale.ts does.
 */
export function wrkReplay(options: { url: string; bodies: string[]; quota: number; connections: number; capSeconds: number; method?: "GET" | "POST"; countAll?: boolean }) {
  const directory = mkdtempSync(join(tmpdir(), "bench-pages-"));
  const bodiesPath = join(directory, "bodies.txt");
  writeFileSync(bodiesPath, `${options.bodies.join("\n")}\n`);
  const url = new URL(options.url);
  return new Promise<ScriptResult>((resolve, reject) => {
    const wrk = spawn("wrk", ["-t1", `-c${options.connections}`, `-d${options.capSeconds}s`, "--timeout", "10s", "-s", "scripts/bench/reserve.lua", `${url.origin}/`, "--", bodiesPath, String(options.quota), url.pathname, options.method ?? "POST", options.countAll ? "all" : "outcomes"]);
    let output = "";
    let startedAt = 0;
    let finishedAt = 0;
    wrk.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (!startedAt && output.includes("START")) startedAt = performance.now();
      if (!finishedAt && output.includes("DONE")) {
        finishedAt = performance.now();
        wrk.kill("SIGINT");
      }
    });
    wrk.on("error", reject);
    wrk.on("close", () => {
      const firstError = output.split("\n").find((candidate) => candidate.startsWith("FIRST_ERROR "));
      if (firstError) console.warn(`  ${firstError}`);
      const line = output.split("\n").find((candidate) => candidate.startsWith("RESULT "));
      if (!line) return reject(new Error(`wrk produced no result:\n${output}`));
      const parsed = JSON.parse(line.slice(7)) as Omit<ScriptResult, "durationS" | "rps">;
      if (!finishedAt) console.warn(`  ${parsed.completed} of ${options.quota} answers within wrk's ${options.capSeconds} s cap: timed by wrk's duration`);
      const durationS = finishedAt ? (finishedAt - startedAt) / 1000 : parsed.wrkDurationS;
      resolve({ ...parsed, durationS, rps: parsed.completed / durationS });
    });
  });
}
