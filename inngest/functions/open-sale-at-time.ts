import { inngest } from "~/inngest/client.ts";
import { saleScheduled } from "~/inngest/events.ts";
import { openDueSales } from "~/server/domain/sales/open-due-sales.ts";
import { defaultDueWorkDeps } from "~/server/due-work/runner.ts";

/**
 * Opens a sale at its exact open time rather than at the next cron tick. If the open time moves, the admin action
 * sends a new event and the old run finds nothing due (openDueSales compares with the stored time).
 */
export const openSaleAtTime = inngest.createFunction(
  { id: "open-sale-at-time", triggers: [saleScheduled], retries: 5 },
  async ({ event, step }) => {
    await step.sleepUntil("wait for the open time", new Date(event.data.opensAt));
    return step.run("open due sales", () => openDueSales(defaultDueWorkDeps()));
  },
);
