import { eventType } from "inngest";
import { z } from "zod";

/** A sale was created or its open time changed: wake up exactly at the new open time. */
export const saleScheduled = eventType("shop/sale.scheduled", {
  schema: z.object({ saleId: z.number().int(), opensAt: z.string() }),
});

/** A sale moved to OPEN (written to the outbox in the same transaction as the state change). */
export const saleOpened = eventType("shop/sale.opened", {
  schema: z.object({ saleId: z.number().int() }),
});

/** Asks for one due-work sweep now (e.g. after an admin action) instead of waiting for the next cron tick. */
export const dueWorkRequested = eventType("shop/due-work.requested", {
  schema: z.object({ reason: z.string() }),
});

// ── Order lifecycle (names shared with server/domain/orders/order-events.ts; all written through the outbox) ──
const orderIdSchema = z.object({ orderId: z.string() });

/** An order now holds stock until paymentDueAt (regular checkout and flash-sale reservations alike). */
export const orderPlaced = eventType("shop/order.placed", {
  schema: z.object({ orderId: z.string(), paymentDueAt: z.string() }),
});
export const orderPaid = eventType("shop/order.paid", { schema: orderIdSchema });
export const orderShipped = eventType("shop/order.shipped", { schema: orderIdSchema });
export const orderDelivered = eventType("shop/order.delivered", { schema: orderIdSchema });
export const orderCancelled = eventType("shop/order.cancelled", { schema: orderIdSchema });
export const orderReturned = eventType("shop/order.returned", { schema: orderIdSchema });

/** An approved payment must be given back (cancel of a paid order, completed return, or a compensation). */
export const paymentRefundRequested = eventType("shop/payment.refund-requested", {
  schema: z.object({ orderId: z.string(), paymentId: z.number().int() }),
});
