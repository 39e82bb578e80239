// Child processes for drills and benchmarks that must not share the load generator's event loop (the app under
// test, the payment sandbox). Each child leads its own process group, so stopping it stops whatever it spawned.
import { spawn, type ChildProcess } from "node:child_process";
import { openSync } from "node:fs";
import { createServer } from "node:net";

const running = new Set<ChildProcess>();

/** A port nobody listens on right now (the OS picks it; a tiny race with other processes is acceptable here). */
export function freePort() {
  return new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Runs a TypeScript entry as `node --import tsx <entry>` (one process, no npx/tsx wrapper), with stdout and stderr
 * appended to `logPath`. It is stopped by stopChildProcesses() and, at the latest, when this process exits.
 */
export function startTsChild(options: { entry: string; args?: string[]; env: Record<string, string | undefined>; logPath: string }) {
  const log = openSync(options.logPath, "a");
  // CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the children (NODE_OPTIONS refuses --cpu-prof).
  const nodeArgs = process.env.CHILD_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", options.entry, ...(options.args ?? [])], {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", log, log],
    detached: true,
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  return child;
}

/** SIGTERM to every child's process group; SIGKILL to those still alive after `graceMs`. */
export async function stopChildProcesses(graceMs = 3_000) {
  await Promise.all([...running].map((child) => stopChild(child, graceMs)));
}

/** SIGTERM to one child's process group, SIGKILL if it is still alive after `graceMs`; resolves once it has exited. */
export function stopChild(child: ChildProcess, graceMs = 3_000) {
  return new Promise<void>((resolve) => {
    if (!child.pid || hasExited(child)) return resolve();
    child.once("exit", () => resolve());
    signalGroup(child, "SIGTERM");
    setTimeout(() => {
      if (!hasExited(child)) signalGroup(child, "SIGKILL");
    }, graceMs).unref();
  });
}

function hasExited(child: ChildProcess) {
  return child.exitCode !== null || child.signalCode !== null;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

// Last resort when the parent dies without cleaning up (an uncaught error, process.exit): synchronous, so SIGKILL.
process.on("exit", () => {
  for (const child of running) signalGroup(child, "SIGKILL");
});

/** Resolves when `url` answers below 500; rejects after `timeoutMs`, or at once if `child` exits meanwhile. */
export async function waitForHttp(url: string, options: { init?: RequestInit; timeoutMs?: number; child?: ChildProcess } = {}) {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (options.child && options.child.exitCode !== null) throw new Error(`${url}: the process serving it exited with code ${options.child.exitCode}`);
    try {
      const response = await fetch(url, options.init);
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not come up within ${options.timeoutMs ?? 60_000} ms`);
}
