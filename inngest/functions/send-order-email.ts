import { inngest } from "~/inngest/client.ts";
import { orderCancelled, orderDelivered, orderPaid, orderPlaced, orderReturned, orderShipped } from "~/inngest/events.ts";
import { appDeps } from "~/server/app.ts";
import { ORDER_EMAIL_EVENTS } from "~/server/domain/orders/order-events.ts";
import { sendOrderEmail } from "~/server/domain/orders/send-order-email.ts";

/** One mail per lifecycle event; the outbox guarantees the event only exists if its change committed. */
export const sendOrderEmailFunction = inngest.createFunction(
  {
    id: "send-order-email",
    triggers: [orderPlaced, orderPaid, orderShipped, orderDelivered, orderCancelled, orderReturned],
    retries: 5,
  },
  async ({ event, step }) => {
    const kind = ORDER_EMAIL_EVENTS[event.name as keyof typeof ORDER_EMAIL_EVENTS];
    return step.run("send the order email", () => sendOrderEmail(appDeps(), { orderId: event.data.orderId, kind }));
  },
);
