/**
 * What the benchmarks that run the production app share (bench-sale.ts, bench-redis-topology.ts): its environment, a
 * fresh database and build, one log for the children, and buyers' session state warmed as a real sale leaves it.
 * Nothing here imports the app's modules at load time: a benchmark sets its environment first, then imports them.
 */
import { spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { isSessionActive as IsSessionActive } from "~/server/domain/accounts/session-state.ts";
import { startTsChild, stopChildProcesses, waitForHttp } from "~/server/testing/child-processes.ts";

export const BENCH_DIST_DIR = ".next-bench";

export const trpcBody = (input: unknown) => JSON.stringify({ json: input });
export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The settings every benchmarked app runs with, around its own database, key prefix and payment sandbox. */
export function benchAppEnv(options: { databaseUrl: string; redisKeyPrefix: string; sandboxPort: number }) {
  return {
    NODE_ENV: "production" as const,
    NEXT_TELEMETRY_DISABLED: "1",
    LOG_LEVEL: "error",
    DATABASE_URL: options.databaseUrl,
    REDIS_KEY_PREFIX: options.redisKeyPrefix,
    // Every simulated buyer comes from 127.0.0.1; real traffic keeps the per-IP limit.
    SALE_RESERVE_IP_LIMIT: "1000000000",
    SALE_RESERVE_USER_LIMIT: "1000000",
    PURCHASE_TOKEN_TTL_S: "3600",
    // Its own build directory, so a concurrent e2e build never pulls the files from under the running app.
    NEXT_DIST_DIR: BENCH_DIST_DIR,
    PAYMENT_PROVIDER_URL: `http://127.0.0.1:${options.sandboxPort}`,
  };
}

/** Drops, migrates and seeds the benchmark's database (env.DATABASE_URL); builds when there is no build yet, or `build`. */
export function resetDatabaseAndBuild(env: Record<string, string>, options: { build: boolean }) {
  const childEnv = { ...process.env, ...env };
  console.log(`→ resetting ${new URL(env.DATABASE_URL!).pathname.slice(1)}`);
  if (spawnSync("npx", ["tsx", "scripts/reset-database.ts", "--yes"], { env: childEnv, stdio: "inherit" }).status !== 0) throw new Error("database reset failed");
  if (existsSync(`${BENCH_DIST_DIR}/BUILD_ID`) && !options.build) return;
  console.log(`→ building into ${BENCH_DIST_DIR}`);
  if (spawnSync("npx", ["next", "build"], { env: childEnv, stdio: "inherit" }).status !== 0) throw new Error("build failed");
}

/**
 * Starts TypeScript entries as children of their own (the load generator never shares their event loop), all writing
 * to one log in a fresh temporary directory.
 */
export function childStarter(name: string) {
  const logPath = join(mkdtempSync(join(tmpdir(), `${name}-`)), "children.log");
  console.log(`children's output: ${logPath}`);
  return (entry: string, env: Record<string, string>, args: string[] = []) => startTsChild({ entry, args, env, logPath });
}

/** Resolves once the app at `appUrl` answers its no-op procedure (rejects at once if `child` exits meanwhile). */
export function waitForApp(appUrl: string, child?: ChildProcess) {
  const init = { method: "POST", headers: { "content-type": "application/json" }, body: "{}" };
  return waitForHttp(`${appUrl}/api/trpc/system.noop`, { init, timeoutMs: 120_000, child });
}

/**
 * Each buyer's page fetched its purchase token through sale.purchaseToken, whose session check left the session state
 * in Redis; do the same, so reserve's own session re-check finds it there as it would in a sale.
 */
export async function warmPurchaseSessions(deps: Parameters<typeof IsSessionActive>[0], users: ReadonlyArray<{ id: string }>) {
  const { isSessionActive } = await import("~/server/domain/accounts/session-state.ts");
  const { freshPurchaseSession } = await import("~/server/testing/sales.ts");
  for (let start = 0; start < users.length; start += 100) {
    await Promise.all(users.slice(start, start + 100).map((user) => isSessionActive(deps, { userId: user.id, ...freshPurchaseSession() })));
  }
}

/**
 * Runs a benchmark's `main` and exits with its outcome: the children are stopped either way, then `cleanUp` (both ways)
 * and `onFailure` (after an error, which is printed) release what else the benchmark started.
 */
export function runBenchmark(main: () => Promise<unknown>, hooks: { cleanUp?: () => unknown; onFailure?: () => unknown } = {}) {
  const finish = async (code: number) => {
    await stopChildProcesses();
    await hooks.cleanUp?.();
    if (code !== 0) await hooks.onFailure?.();
    process.exit(code);
  };
  main().then(
    () => finish(0),
    (error: unknown) => {
      console.error(error);
      return finish(1);
    },
  );
}
