import type { LocalHandlers } from "~/server/domain/due-work/local-event-handlers.ts";
import { productRestocked, saleUnitsReturned } from "~/server/domain/events.ts";
import { notifyRestockSubscribers, type RestockNotifyDeps } from "~/server/domain/restock/notify-restock-subscribers.ts";

/** In-process consumers of restock events, the twins of inngest/functions/restock.ts. */
export function restockEventHandlers(deps: RestockNotifyDeps): LocalHandlers {
  return {
    [productRestocked.name]: async ({ payload }) => {
      await notifyRestockSubscribers(deps, { restockId: payload.restockId, target: { productId: payload.productId } });
    },
    [saleUnitsReturned.name]: async ({ payload }) => {
      await notifyRestockSubscribers(deps, { restockId: payload.restockId, target: { saleId: payload.saleId } });
    },
  };
}
