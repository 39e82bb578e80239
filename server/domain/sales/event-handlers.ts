
import type { DepsOf } from "~/server/deps.ts";
import type { LocalHandlers } from "~/server/domain/due-work/local-event-handlers.ts";
import { saleOpened } from "~/server/domain/events.ts";
import { reconcileSale } from "~/server/domain/sales/reconcile-sale.ts";

/**
 * In-process consumers of sale events (the Inngest function warm-up-sale does the same). Subscribers are not mailed
 * here: the remind-sale-subscribers due operation mails them before the open time.
 */
export function saleEventHandlers(deps: DepsOf<"db" | "redis" | "clock" | "sendEmail" | "saleEngine">): LocalHandlers {
  return {
    [saleOpened.name]: async ({ payload: { saleId } }) => {
      // Warm-up: make sure Redis holds the sale's state (rebuilt from MySQL if needed) before buyers arrive.
      await reconcileSale(deps, saleId);
    },
  };
}
