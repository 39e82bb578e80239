import { orderCancelled, orderDelivered, orderPaid, orderPlaced, orderReturned, orderShipped, type EventPayload } from "~/server/domain/events.ts";

/** The payload of orderPlaced, for checkout orders and flash-sale holds alike. */
export function orderPlacedPayload(orderId: string, paymentDueAt: Date): EventPayload<typeof orderPlaced> {
  return { orderId, paymentDueAt: paymentDueAt.toISOString() };
}

/** Events that tell the buyer something by email, and which email. */
export const ORDER_EMAIL_EVENTS = {
  [orderPlaced.name]: "placed",
  [orderPaid.name]: "paid",
  [orderShipped.name]: "shipped",
  [orderDelivered.name]: "delivered",
  [orderCancelled.name]: "cancelled",
  [orderReturned.name]: "returned",
} as const;

export type OrderEmailKind = (typeof ORDER_EMAIL_EVENTS)[keyof typeof ORDER_EMAIL_EVENTS];
