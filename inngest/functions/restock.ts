import { inngest } from "~/inngest/client.ts";
import { productRestocked, saleUnitsReturned } from "~/inngest/events.ts";
import { appDeps } from "~/server/app.ts";
import { notifyRestockBatch } from "~/server/domain/restock/notify-restock-subscribers.ts";
import type { RestockTarget } from "~/server/domain/restock/restock-target.ts";

/**
 * Restock alerts: mails everyone waiting for what came back, one batch of subscribers per step, so a sale with
 * thousands of subscribers is many short requests and each finished batch is memoized across retries.
 * notifyRestockBatch is idempotent per (subscription, restock), so a retried step never mails anyone twice.
 * The in-process twin is server/domain/restock/event-handlers.ts.
 */
export const restockFunction = inngest.createFunction(
  { id: "restock", triggers: [productRestocked, saleUnitsReturned], retries: 5 },
  async ({ event, step }) => {
    const target: RestockTarget = "productId" in event.data ? { productId: event.data.productId } : { saleId: event.data.saleId };
    let afterId = 0;
    let sent = 0;
    for (let batchNumber = 1; ; batchNumber += 1) {
      const batch = await step.run(`mail restock subscribers, batch ${batchNumber}`, () => notifyRestockBatch(appDeps(), { restockId: event.data.restockId, target, afterId }));
      sent += batch.sent;
      if (batch.nextAfterId === null) return { restockId: event.data.restockId, sent, isGone: batch.isGone };
      afterId = batch.nextAfterId;
    }
  },
);
