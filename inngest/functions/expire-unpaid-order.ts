import { inngest } from "~/inngest/client.ts";
import { orderPlaced } from "~/inngest/events.ts";
import { expireOrder } from "~/server/domain/orders/expire-unpaid-orders.ts";
import { defaultDueWorkDeps } from "~/server/due-work/runner.ts";

/**
 * Releases an unpaid order's stock exactly at its payment deadline instead of at the next cron tick. If the order
 * was paid or cancelled meanwhile, expireOrder's compare-and-set finds nothing to do; the cron sweep
 * (expire-unpaid-orders) remains the safety net if this run is lost.
 */
export const expireUnpaidOrder = inngest.createFunction(
  { id: "expire-unpaid-order", triggers: [orderPlaced], retries: 5 },
  async ({ event, step }) => {
    await step.sleepUntil("wait for the payment deadline", new Date(event.data.paymentDueAt));
    const isExpired = await step.run("expire the order if still unpaid", () => expireOrder(defaultDueWorkDeps(), { orderId: event.data.orderId }));
    return { orderId: event.data.orderId, isExpired };
  },
);
