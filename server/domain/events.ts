import { z } from "zod";

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };

/**
 * A domain event: its name (on the outbox and on Inngest alike) and the schema of its payload. The schema describes
 * the stored JSON itself, with no transforms: the producer's payload is written as is, and the local relay and
 * Inngest parse that same JSON with the same schema.
 */
export type DomainEvent<Name extends string = string, Schema extends z.ZodType<JsonObject> = z.ZodType<JsonObject>> = {
  readonly name: Name;
  readonly schema: Schema;
};

/** What a producer passes for an event. */
export type EventPayload<Event extends DomainEvent> = z.input<Event["schema"]>;
/** An event as a consumer receives it, its payload already parsed. */
export type EventMessage<Event extends DomainEvent> = { id: number; name: Event["name"]; payload: z.output<Event["schema"]> };

export function defineEvent<const Name extends string, Schema extends z.ZodType<JsonObject>>(name: Name, schema: Schema): DomainEvent<Name, Schema> {
  return { name, schema };
}

const orderIdPayload = z.object({ orderId: z.string() });

/** A sale was created or its open time changed: wake up exactly at the new open time. */
export const saleScheduled = defineEvent("shop/sale.scheduled", z.object({ saleId: z.number().int(), opensAt: z.string() }));
/** A sale moved to OPEN (written in the same transaction as the state change). */
export const saleOpened = defineEvent("shop/sale.opened", z.object({ saleId: z.number().int() }));
/** Asks for one due-work sweep now (e.g. after an admin action) instead of waiting for the next cron tick. */
export const dueWorkRequested = defineEvent("shop/due-work.requested", z.object({ reason: z.string() }));

/** An order now holds stock until paymentDueAt (ISO), for checkout orders and flash-sale holds alike. */
export const orderPlaced = defineEvent("shop/order.placed", z.object({ orderId: z.string(), paymentDueAt: z.string() }));
export const orderPaid = defineEvent("shop/order.paid", orderIdPayload);
export const orderShipped = defineEvent("shop/order.shipped", orderIdPayload);
export const orderDelivered = defineEvent("shop/order.delivered", orderIdPayload);
export const orderCancelled = defineEvent("shop/order.cancelled", orderIdPayload);
export const orderReturned = defineEvent("shop/order.returned", orderIdPayload);
/** An approved payment must be given back (cancel of a paid order, completed return, or a compensation). */
export const paymentRefundRequested = defineEvent("shop/payment.refund-requested", z.object({ orderId: z.string(), paymentId: z.number().int() }));

/**
 * Restock alerts: a sold-out product became buyable again (units given back by an order, or an admin's stock edit),
 * or units of a live sale came back to its stock (an unpaid hold expired, a sale order was cancelled or returned).
 * restockId names this one restock: each subscriber is mailed at most once per restockId.
 */
export const productRestocked = defineEvent("shop/product.restocked", z.object({ restockId: z.string().max(36), productId: z.number().int() }));
export const saleUnitsReturned = defineEvent("shop/sale.units-returned", z.object({ restockId: z.string().max(36), saleId: z.number().int() }));

/** Every domain event: a name that is not here has no schema, so the local relay cannot hand it to a consumer. */
export const domainEvents = [
  saleScheduled,
  saleOpened,
  dueWorkRequested,
  orderPlaced,
  orderPaid,
  orderShipped,
  orderDelivered,
  orderCancelled,
  orderReturned,
  paymentRefundRequested,
  productRestocked,
  saleUnitsReturned,
] as const;

export type CatalogEvent = (typeof domainEvents)[number];
export type DomainEventName = CatalogEvent["name"];

const eventsByName = new Map<string, CatalogEvent>(domainEvents.map((event) => [event.name, event]));

export function findDomainEvent(name: string): CatalogEvent | undefined {
  return eventsByName.get(name);
}
