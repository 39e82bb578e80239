import type { DomainEvent, EventPayload } from "~/server/domain/events.ts";
import type { Prisma } from "~/server/generated/prisma/client.ts";

type OutboxWriter = { outboxEvent: { create(args: { data: Prisma.OutboxEventCreateInput }): Promise<unknown> } };

/**
 * Records a domain event in the transaction that makes the state change it describes: either both commit or
 * neither does, so an event can never be lost or announce something that did not happen. relayOutbox delivers it.
 * The payload is checked against the event's schema here, so a bad one fails its producer rather than a consumer
 * minutes later.
 */
export async function enqueueEvent<Event extends DomainEvent>(tx: OutboxWriter, event: Event, payload: EventPayload<Event>, options: { availableAt?: Date } = {}) {
  await tx.outboxEvent.create({ data: { name: event.name, payload: event.schema.parse(payload), availableAt: options.availableAt } });
}

/**
 * An outbox row's name and JSON text, for writers that insert many rows in one raw statement. Type-checked only, not
 * parsed: it runs once per winner on a sale's hot path, and the payload's type already comes from the schema.
 */
export function outboxRow<Event extends DomainEvent>(event: Event, payload: EventPayload<Event>) {
  return { name: event.name, payload: JSON.stringify(payload) };
}
