import type { CatalogEvent, EventMessage } from "~/server/domain/events.ts";
import { parseOutboxMessage } from "~/server/domain/outbox/parse-outbox-message.ts";
import type { OutboxDispatcher } from "~/server/domain/outbox/relay-outbox.ts";
import { logger } from "~/server/logger.ts";

/** In-process consumers by event name, each receiving its event's parsed payload. */
export type LocalHandlers = { [Event in CatalogEvent as Event["name"]]?: (message: EventMessage<Event>) => Promise<void> };

type AnyLocalHandler = (message: { id: number; name: string; payload: unknown }) => Promise<void>;

/**
 * What each outbox event does when no Inngest is configured: the in-process twin of the Inngest functions that
 * subscribe to the same events. Events without a local consumer are acknowledged (nothing subscribes yet).
 *
 * The payload is parsed with the event's schema before a handler sees it. A row that does not match (written by
 * hand, or before a schema changed) throws like any failed delivery: it is retried and ends as a dead letter an
 * admin can see, instead of reaching a handler as something its type says it is not.
 */
export function createLocalDispatcher(handlers: LocalHandlers = {}): OutboxDispatcher {
  // Each handler's key is its event's name, and it is only called with a payload that event's schema accepted.
  const byName = handlers as Record<string, AnyLocalHandler | undefined>;
  return async (message) => {
    const handler = byName[message.name];
    if (!handler) {
      logger.debug({ outboxEventId: message.id, name: message.name }, "outbox event has no local consumer");
      return;
    }
    const payload = parseOutboxMessage(message);
    await handler({ id: message.id, name: message.name, payload });
  };
}
