import { inngest } from "~/inngest/client.ts";
import { saleOpened } from "~/inngest/events.ts";
import { reconcileSale } from "~/server/domain/sales/reconcile-sale.ts";
import { defaultDueWorkDeps } from "~/server/due-work/runner.ts";

/**
 * When a sale opens: make sure Redis holds its state (rebuilt from MySQL if it is missing); the step is idempotent
 * (conditional load). Subscribers were already mailed before the open time by the remind-sale-subscribers due
 * operation (run-due-work). The in-process twin is server/domain/sales/event-handlers.ts.
 */
export const warmUpSale = inngest.createFunction(
  { id: "warm-up-sale", triggers: [saleOpened], retries: 5 },
  async ({ event, step }) => {
    const deps = defaultDueWorkDeps();
    const reconciliation = await step.run("load and reconcile the sale's Redis state", () => reconcileSale(deps, event.data.saleId));
    return { saleId: event.data.saleId, drift: reconciliation.drift };
  },
);
