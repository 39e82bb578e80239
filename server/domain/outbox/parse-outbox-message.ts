import { z } from "zod";

import { findDomainEvent } from "~/server/domain/events.ts";
import type { OutboxMessage } from "~/server/domain/outbox/relay-outbox.ts";

/**
 * An outbox row's payload parsed with its event's schema (server/domain/events.ts), for every consumer the relay hands
 * it to: local handlers and Inngest alike. A row that does not match (written by hand, or before a schema changed), or
 * whose name has no schema, throws like any failed delivery: the relay retries it and it ends as a dead letter an
 * admin can see, instead of reaching a consumer as something its type says it is not.
 */
export function parseOutboxMessage(message: OutboxMessage): unknown {
  const event = findDomainEvent(message.name);
  if (!event) throw new Error(`outbox event ${message.name} has no schema in server/domain/events.ts`);
  const parsed = event.schema.safeParse(message.payload);
  if (!parsed.success) throw new Error(`outbox event ${message.name} has a malformed payload: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
