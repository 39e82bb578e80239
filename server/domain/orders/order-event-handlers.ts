import type { DepsOf } from "~/server/deps.ts";
import type { LocalHandlers } from "~/server/domain/due-work/local-event-handlers.ts";
import { paymentRefundRequested } from "~/server/domain/events.ts";
import { ORDER_EMAIL_EVENTS, type OrderEmailKind } from "~/server/domain/orders/order-events.ts";
import { refundPayment } from "~/server/domain/payments/refund-payment.ts";
import { sendOrderEmail } from "~/server/domain/orders/send-order-email.ts";

/**
 * In-process consumers of order events, the twins of inngest/functions/send-order-email.ts and refund-payment.ts.
 * Throwing makes the relay retry the event later (e.g. a refund while the provider is down).
 */
export function orderEventHandlers(deps: DepsOf<"db" | "clock" | "payments" | "sendEmail" | "config">): LocalHandlers {
  const handlers: LocalHandlers = {
    [paymentRefundRequested.name]: async ({ payload }) => {
      await refundPayment(deps, { paymentId: payload.paymentId });
    },
  };
  const sendEmailOf = (kind: OrderEmailKind) => async ({ payload }: { payload: { orderId: string } }) => {
    await sendOrderEmail(deps, { orderId: payload.orderId, kind });
  };
  for (const [name, kind] of Object.entries(ORDER_EMAIL_EVENTS) as Array<[keyof typeof ORDER_EMAIL_EVENTS, OrderEmailKind]>) {
    handlers[name] = sendEmailOf(kind);
  }
  return handlers;
}
