import { eventType } from "inngest";

import * as events from "~/server/domain/events.ts";

// Triggers for the Inngest functions, one per event of the domain catalog (server/domain/events.ts): same names and
// schemas as the outbox rows the relay sends, so producers, local handlers and functions cannot disagree on a payload.
export const saleScheduled = eventType(events.saleScheduled.name, { schema: events.saleScheduled.schema });
export const saleOpened = eventType(events.saleOpened.name, { schema: events.saleOpened.schema });
export const dueWorkRequested = eventType(events.dueWorkRequested.name, { schema: events.dueWorkRequested.schema });

export const orderPlaced = eventType(events.orderPlaced.name, { schema: events.orderPlaced.schema });
export const orderPaid = eventType(events.orderPaid.name, { schema: events.orderPaid.schema });
export const orderShipped = eventType(events.orderShipped.name, { schema: events.orderShipped.schema });
export const orderDelivered = eventType(events.orderDelivered.name, { schema: events.orderDelivered.schema });
export const orderCancelled = eventType(events.orderCancelled.name, { schema: events.orderCancelled.schema });
export const orderReturned = eventType(events.orderReturned.name, { schema: events.orderReturned.schema });
export const paymentRefundRequested = eventType(events.paymentRefundRequested.name, { schema: events.paymentRefundRequested.schema });
export const productRestocked = eventType(events.productRestocked.name, { schema: events.productRestocked.schema });
export const saleUnitsReturned = eventType(events.saleUnitsReturned.name, { schema: events.saleUnitsReturned.schema });
