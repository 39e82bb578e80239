
import type { DepsOf } from "~/server/deps.ts";

async function probe(check: () => Promise<unknown>) {
  const startedAt = performance.now();
  try {
    await check();
    return { ok: true as const, latencyMs: Math.round((performance.now() - startedAt) * 10) / 10 };
  } catch {
    return { ok: false as const, latencyMs: null };
  }
}

export async function checkHealth(deps: DepsOf<"db" | "redis" | "config">) {
  const [mysql, redis] = await Promise.all([probe(() => deps.db.$queryRaw`SELECT 1`), probe(() => deps.redis.ping())]);
  return { ok: mysql.ok && redis.ok, mysql, redis, workflowMode: deps.config.workflowMode };
}
