import { inngest } from "~/inngest/client.ts";
import { appDeps } from "~/server/app.ts";
import { createInngestDispatcher } from "~/server/domain/due-work/inngest-dispatcher.ts";
import { createLocalDispatcher } from "~/server/domain/due-work/local-event-handlers.ts";
import { dueOperationNames, dueOperations, type DueWorkDeps } from "~/server/domain/due-work/due-operations.ts";
import { env, workflowMode } from "~/server/env.js";
import { orderEventHandlers } from "~/server/domain/orders/order-event-handlers.ts";
import { restockEventHandlers } from "~/server/domain/restock/event-handlers.ts";
import { saleEventHandlers } from "~/server/domain/sales/event-handlers.ts";
import { logger } from "~/server/logger.ts";
import { redisKey } from "~/server/redis-keys.ts";

/** The app's dependencies (server/app.ts) with the dispatcher this deployment's workflow mode calls for. */
export function defaultDueWorkDeps(): DueWorkDeps {
  const deps = appDeps();
  const dispatch = workflowMode() === "in-process" ? createLocalDispatcher({ ...saleEventHandlers(deps), ...orderEventHandlers(deps), ...restockEventHandlers(deps) }) : createInngestDispatcher(inngest);
  return { ...deps, dispatch };
}

/**
 * Runs every due operation once. A short Redis lease per operation keeps several app instances from doing the same
 * sweep at the same moment; it is an optimisation only (the operations are safe to overlap), so a Redis outage
 * does not stop due work.
 */
export async function runDueWorkOnce(deps: DueWorkDeps, options: { leaseMs?: number; owner?: string } = {}) {
  const results: Record<string, { processed: number } | { error: string } | { skipped: true }> = {};
  for (const name of dueOperationNames) {
    if (options.leaseMs && !(await acquireLease(deps, name, options.leaseMs, options.owner ?? "runner"))) {
      results[name] = { skipped: true };
      continue;
    }
    try {
      results[name] = await dueOperations[name](deps);
    } catch (error) {
      logger.error({ operation: name, err: error }, "due work failed; it will be retried on the next tick");
      results[name] = { error: error instanceof Error ? error.message : String(error) };
    }
  }
  return results;
}

async function acquireLease(deps: DueWorkDeps, name: string, leaseMs: number, owner: string) {
  try {
    return (await deps.redis.set(redisKey("due-work", "lease", name), owner, { nx: true, px: leaseMs })) === "OK";
  } catch {
    return true;
  }
}

type Runner = { stop(): void; tick(): Promise<void> };
const globalForRunner = globalThis as unknown as { flashmartDueWorkRunner?: Runner };

/**
 * The fallback driver for due work when no Inngest endpoint is configured. Started once per process (Next's
 * instrumentation hook may be evaluated by more than one bundle, hence the globalThis guard).
 */
export function startDueWorkRunnerIfNeeded(options: { intervalMs?: number; deps?: DueWorkDeps } = {}) {
  if (globalForRunner.flashmartDueWorkRunner) return globalForRunner.flashmartDueWorkRunner;
  if (env.DUE_WORK_RUNNER === "off" || workflowMode() !== "in-process") return undefined;

  const intervalMs = options.intervalMs ?? env.DUE_WORK_INTERVAL_MS;
  const deps = options.deps ?? defaultDueWorkDeps();
  // The lease holder's name says which instance ran a sweep (scripts/scenario-instances.ts counts runs per instance).
  const owner = `${env.INSTANCE_ID ?? process.pid}-${crypto.randomUUID()}`;
  let running: Promise<void> | undefined;

  const tick = () => {
    // A slow sweep is never overlapped by the next one in the same process.
    running ??= runDueWorkOnce(deps, { leaseMs: Math.max(intervalMs - 100, 100), owner })
      .then(() => undefined)
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();

  const runner: Runner = {
    tick,
    stop() {
      clearInterval(timer);
      globalForRunner.flashmartDueWorkRunner = undefined;
    },
  };
  globalForRunner.flashmartDueWorkRunner = runner;
  logger.info({ intervalMs, operations: dueOperationNames }, "in-process due-work runner started (no Inngest configured)");
  return runner;
}
