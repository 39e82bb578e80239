import type { Inngest } from "inngest";

import { parseOutboxMessage } from "~/server/domain/outbox/parse-outbox-message.ts";
import type { OutboxDispatcher } from "~/server/domain/outbox/relay-outbox.ts";

/**
 * Relays an outbox event to Inngest. The event id makes a re-delivery after a crash a no-op on Inngest's side.
 * The payload is parsed with its event's schema first, as the local dispatcher does: Inngest functions then receive
 * exactly what their trigger's schema promises, and a malformed row is retried into the dead letters instead of sent.
 */
export function createInngestDispatcher(client: Pick<Inngest.Any, "send">): OutboxDispatcher {
  return async (message) => {
    const payload = parseOutboxMessage(message);
    await client.send({ id: `outbox-${message.id}`, name: message.name, data: payload as Record<string, unknown> });
  };
}
