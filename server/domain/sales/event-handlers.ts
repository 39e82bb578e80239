
import type { DepsOf } from "~/server/deps.ts";
import type { OutboxMessage } from "~/server/domain/outbox/relay-outbox.ts";
import { notifySaleSubscribers } from "~/server/domain/sales/notify-subscribers.ts";
import { reconcileSale } from "~/server/domain/sales/reconcile-sale.ts";

/** In-process consumers of sale events (the Inngest functions warm-up-sale and notify-sale-subscribers do the same). */
export function saleEventHandlers(deps: DepsOf<"db" | "redis" | "clock" | "sendEmail">) {
  return {
    "shop/sale.opened": async (message: OutboxMessage) => {
      const { saleId } = message.payload as { saleId: number };
      // Warm-up: make sure Redis holds the sale's state (rebuilt from MySQL if needed) before buyers arrive.
      await reconcileSale(deps, saleId);
      await notifySaleSubscribers(deps, saleId);
    },
  };
}
