/**
 * Outbox event names of the order lifecycle. Each is written in the transaction that makes the change, then relayed
 * to Inngest (inngest/events.ts declares the same names with schemas) or to the local handlers
 * (server/domain/orders/order-event-handlers.ts).
 */
export const ORDER_EVENTS = {
  /** Payload { orderId, paymentDueAt (ISO) }; also emitted by flash-sale reservations. */
  placed: "shop/order.placed",
  paid: "shop/order.paid",
  shipped: "shop/order.shipped",
  delivered: "shop/order.delivered",
  cancelled: "shop/order.cancelled",
  returned: "shop/order.returned",
  /** Payload { orderId, paymentId }: give this approved payment's money back through the provider. */
  refundRequested: "shop/payment.refund-requested",
} as const;

/** The payload of ORDER_EVENTS.placed, for checkout orders and flash-sale holds alike. */
export function orderPlacedPayload(orderId: string, paymentDueAt: Date) {
  return { orderId, paymentDueAt: paymentDueAt.toISOString() };
}

/** Events that tell the buyer something by email, and which email. */
export const ORDER_EMAIL_EVENTS = {
  [ORDER_EVENTS.placed]: "placed",
  [ORDER_EVENTS.paid]: "paid",
  [ORDER_EVENTS.shipped]: "shipped",
  [ORDER_EVENTS.delivered]: "delivered",
  [ORDER_EVENTS.cancelled]: "cancelled",
  [ORDER_EVENTS.returned]: "returned",
} as const;

export type OrderEmailKind = (typeof ORDER_EMAIL_EVENTS)[keyof typeof ORDER_EMAIL_EVENTS];
