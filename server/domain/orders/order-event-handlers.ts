import type { DepsOf } from "~/server/deps.ts";
import { ORDER_EMAIL_EVENTS, ORDER_EVENTS } from "~/server/domain/orders/order-events.ts";
import { refundPayment } from "~/server/domain/payments/refund-payment.ts";
import { sendOrderEmail } from "~/server/domain/orders/send-order-email.ts";
import type { OutboxMessage } from "~/server/domain/outbox/relay-outbox.ts";

type Handler = (message: OutboxMessage) => Promise<void>;

/**
 * In-process consumers of order events, the twins of inngest/functions/send-order-email.ts and refund-payment.ts.
 * Throwing makes the relay retry the event later (e.g. a refund while the provider is down).
 */
export function orderEventHandlers(deps: DepsOf<"db" | "clock" | "payments" | "sendEmail">): Record<string, Handler> {
  const handlers: Record<string, Handler> = {
    [ORDER_EVENTS.refundRequested]: async (message) => {
      const { paymentId } = message.payload as { paymentId: number };
      await refundPayment(deps, { paymentId });
    },
  };
  for (const [name, kind] of Object.entries(ORDER_EMAIL_EVENTS)) {
    handlers[name] = async (message) => {
      const { orderId } = message.payload as { orderId: string };
      await sendOrderEmail(deps, { orderId, kind });
    };
  }
  return handlers;
}
