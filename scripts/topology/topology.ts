/**
 * Several app instances behind nginx, as one unit: N `server/main.ts` processes on consecutive ports sharing one
 * MySQL database, one Redis and one payment sandbox, with nginx (scripts/start-proxy.ts, the same generated
 * configuration as the public-page front) balancing across them. Used by `npm run start:instances`
 * (scripts/start-topology.ts), `npm run scenario:instances` and the e2e instances project.
 *
 * Every child leads its own process group (npx → tsx → node), so stop() takes whole trees down, and nothing is left
 * behind when the caller exits.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";

import { waitForHttp } from "~/server/testing/child-processes.ts";

export type TopologyOptions = {
  /** App instances (default 3). */
  instances?: number;
  /** Port of the first instance; the others follow (basePort + 1, …). */
  basePort: number;
  /** Port nginx listens on: the topology's public address. */
  proxyPort: number;
  /** The shared payment sandbox's port; omit to use PAYMENT_PROVIDER_URL from the environment as it is. */
  sandboxPort?: number;
  /** Environment for every process (database, Redis prefix, flags); the topology adds PORT, INSTANCE_ID and APP_URL. */
  env?: Record<string, string>;
  /** Drop, migrate and seed the database first (scripts/reset-database.ts). */
  resetDatabase?: boolean;
  /**
   * Apply pending migrations (scripts/migrate.ts; creates the database if missing) and seed the demo data when the
   * database is empty (prisma/seed.ts), as `npm start` does. Implied by resetDatabase.
   */
  prepareDatabase?: boolean;
  /** Build even when the dist directory already holds a build. */
  forceBuild?: boolean;
  /** Where child output goes: "inherit" for a foreground cluster, "ignore" for a quiet benchmark. */
  stdio?: "inherit" | "ignore";
  log?: (line: string) => void;
};

export type Topology = {
  proxyUrl: string;
  instanceUrls: string[];
  /** Instance ids as the x-instance response header carries them, in instanceUrls' order. */
  instanceIds: string[];
  stop(): void;
};

const READY_TIMEOUT_MS = 180_000;

export async function startTopology(options: TopologyOptions): Promise<Topology> {
  const instanceCount = options.instances ?? 3;
  const log = options.log ?? ((line: string) => console.log(line));
  const stdio = options.stdio ?? "inherit";
  const baseEnv: Record<string, string> = {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    // nginx overwrites X-Forwarded-For with the client's address; the instances trust it.
    TRUST_PROXY: "1",
    ...(options.sandboxPort ? { PAYMENT_SANDBOX_PORT: String(options.sandboxPort), PAYMENT_PROVIDER_URL: `http://127.0.0.1:${options.sandboxPort}` } : {}),
    ...options.env,
  };
  const childEnv = (extra: Record<string, string> = {}) => ({ ...process.env, ...baseEnv, ...extra });
  const proxyUrl = `http://localhost:${options.proxyPort}`;
  const instancePorts = Array.from({ length: instanceCount }, (_, index) => options.basePort + index);
  const instanceIds = instancePorts.map((_, index) => `app-${index + 1}`);

  const children: ChildProcess[] = [];
  let isStopped = false;
  const stop = () => {
    if (isStopped) return;
    isStopped = true;
    for (const child of children) {
      if (child.pid && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          // already gone
        }
      }
    }
  };
  process.on("exit", stop);

  const start = (name: string, command: string, args: string[], env: NodeJS.ProcessEnv) => {
    const child = spawn(command, args, { env, stdio: ["ignore", stdio, stdio], detached: true });
    child.on("exit", (code, signal) => {
      if (!isStopped) log(`! ${name} exited (${signal ?? code})`);
    });
    children.push(child);
    return child;
  };

  try {
    if (options.resetDatabase) {
      log("→ resetting the database");
      if (spawnSync("npx", ["tsx", "scripts/reset-database.ts", "--yes"], { env: childEnv(), stdio }).status !== 0) throw new Error("database reset failed");
    } else if (options.prepareDatabase) {
      log("→ migrating and seeding the database");
      if (spawnSync("npx", ["tsx", "scripts/migrate.ts"], { env: childEnv(), stdio }).status !== 0) throw new Error("migration failed");
      if (spawnSync("npx", ["tsx", "prisma/seed.ts"], { env: childEnv(), stdio }).status !== 0) throw new Error("seeding failed");
    }
    const distDir = baseEnv.NEXT_DIST_DIR ?? process.env.NEXT_DIST_DIR ?? ".next";
    if (options.forceBuild || !existsSync(`${distDir}/BUILD_ID`)) {
      log(`→ building into ${distDir}`);
      if (spawnSync("npx", ["next", "build"], { env: childEnv(), stdio: "inherit" }).status !== 0) throw new Error("build failed");
    }
    if (options.sandboxPort) start("payment sandbox", "node", ["--import", "tsx", "server/payment-sandbox/server.ts"], childEnv());
    instancePorts.forEach((port, index) => {
      start(instanceIds[index]!, "npx", ["tsx", "server/main.ts"], childEnv({ PORT: String(port), INSTANCE_ID: instanceIds[index]!, APP_URL: proxyUrl }));
    });
    const upstreams = instancePorts.flatMap((port) => ["--upstream", `127.0.0.1:${port}`]);
    start("nginx", "npx", ["tsx", "scripts/start-proxy.ts", "--port", String(options.proxyPort), "--prefix", `var/topology-${options.proxyPort}`, ...upstreams], childEnv());

    const instanceUrls = instancePorts.map((port) => `http://localhost:${port}`);
    await Promise.all([...instanceUrls, proxyUrl].map((url) => waitForHttp(`${url}/login`, { init: { redirect: "manual" }, timeoutMs: READY_TIMEOUT_MS })));
    log(`✓ ${instanceCount} instances (${instancePorts.join(", ")}) behind nginx at ${proxyUrl}`);
    return { proxyUrl, instanceUrls, instanceIds, stop };
  } catch (error) {
    stop();
    throw error;
  }
}
