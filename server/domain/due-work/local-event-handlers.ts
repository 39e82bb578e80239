import type { OutboxDispatcher, OutboxMessage } from "~/server/domain/outbox/relay-outbox.ts";
import { logger } from "~/server/logger.ts";

type LocalHandler = (message: OutboxMessage) => Promise<void>;

/**
 * What each outbox event does when no Inngest is configured: the in-process twin of the Inngest functions that
 * subscribe to the same events. Events without a local consumer are acknowledged (nothing subscribes yet).
 */
export function createLocalDispatcher(handlers: Record<string, LocalHandler> = {}): OutboxDispatcher {
  return async (message) => {
    const handler = handlers[message.name];
    if (!handler) {
      logger.debug({ outboxEventId: message.id, name: message.name }, "outbox event has no local consumer");
      return;
    }
    await handler(message);
  };
}
