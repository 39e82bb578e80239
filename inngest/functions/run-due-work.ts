import { cron } from "inngest";

import { inngest } from "~/inngest/client.ts";
import { dueWorkRequested } from "~/inngest/events.ts";
import { dueOperationNames, dueOperations } from "~/server/domain/due-work/due-operations.ts";
import { defaultDueWorkDeps } from "~/server/due-work/runner.ts";

/** The safety net: every minute, and on request, every due operation runs once. Each is idempotent. */
export const runDueWork = inngest.createFunction(
  { id: "run-due-work", triggers: [cron("* * * * *"), dueWorkRequested], retries: 3, concurrency: { limit: 1 } },
  async ({ step }) => {
    const deps = defaultDueWorkDeps();
    const results: Record<string, number> = {};
    for (const name of dueOperationNames) {
      const result = await step.run(`run ${name}`, () => dueOperations[name](deps));
      results[name] = result.processed;
    }
    return results;
  },
);
