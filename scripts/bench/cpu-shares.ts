/**
 * Where the machine's CPU went during a benchmark phase, from /proc (Linux): two snapshots, then cores used per
 * labelled process group over the time between them. Processes that start or exit inside the window are missed, so
 * the machine-wide total (from /proc/stat) is reported beside the groups and the rest is "unattributed".
 */
import { readdirSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const CLOCK_TICKS_PER_S = 100;

type Snapshot = { atMs: number; busyTicks: number; ticksByPid: Map<number, { ticks: number; commandLine: string }> };

function readOrNull(path: string) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** utime + stime of one process (fields 14 and 15 of /proc/<pid>/stat; the command name may hold spaces). */
function processTicks(stat: string) {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

function machineBusyTicks() {
  const cpu = (readOrNull("/proc/stat") ?? "").split("\n")[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
  return user + nice + system + irq + softirq + steal;
}

export function cpuSnapshot(): Snapshot {
  const ticksByPid = new Map<number, { ticks: number; commandLine: string }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readOrNull(`/proc/${entry}/stat`);
    const commandLine = readOrNull(`/proc/${entry}/cmdline`);
    if (stat === null || commandLine === null) continue;
    ticksByPid.set(Number(entry), { ticks: processTicks(stat), commandLine: commandLine.replaceAll("\0", " ").trim() });
  }
  return { atMs: performance.now(), busyTicks: machineBusyTicks(), ticksByPid };
}

/**
 * Cores used between two snapshots, per label. `labelOf` names a process from its pid and command line, or returns
 * null to leave it out of the groups (it still counts in `machine`).
 */
export function cpuShares(before: Snapshot, after: Snapshot, labelOf: (pid: number, commandLine: string) => string | null) {
  const seconds = (after.atMs - before.atMs) / 1000;
  const cores: Record<string, number> = {};
  let attributed = 0;
  for (const [pid, now] of after.ticksByPid) {
    const then = before.ticksByPid.get(pid);
    if (!then) continue;
    const label = labelOf(pid, now.commandLine);
    if (label === null) continue;
    const used = (now.ticks - then.ticks) / CLOCK_TICKS_PER_S / seconds;
    cores[label] = (cores[label] ?? 0) + used;
    attributed += used;
  }
  const machine = (after.busyTicks - before.busyTicks) / CLOCK_TICKS_PER_S / seconds;
  const rounded = Object.fromEntries(Object.entries(cores).sort(([, a], [, b]) => b - a).map(([label, used]) => [label, Math.round(used * 100) / 100]));
  return { seconds: Math.round(seconds * 10) / 10, machine: Math.round(machine * 100) / 100, unattributed: Math.round((machine - attributed) * 100) / 100, cores: rounded };
}
