
import type { DepsOf } from "~/server/deps.ts";
import type { LocalHandlers } from "~/server/domain/due-work/local-event-handlers.ts";
import { saleOpened } from "~/server/domain/events.ts";
import { notifySaleSubscribers } from "~/server/domain/sales/notify-subscribers.ts";
import { reconcileSale } from "~/server/domain/sales/reconcile-sale.ts";

/** In-process consumers of sale events (the Inngest functions warm-up-sale and notify-sale-subscribers do the same). */
export function saleEventHandlers(deps: DepsOf<"db" | "redis" | "clock" | "sendEmail">): LocalHandlers {
  return {
    [saleOpened.name]: async ({ payload: { saleId } }) => {
      // Warm-up: make sure Redis holds the sale's state (rebuilt from MySQL if needed) before buyers arrive.
      await reconcileSale(deps, saleId);
      await notifySaleSubscribers(deps, saleId);
    },
  };
}
