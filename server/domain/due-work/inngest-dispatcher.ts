import type { Inngest } from "inngest";

import type { OutboxDispatcher } from "~/server/domain/outbox/relay-outbox.ts";

/** Relays an outbox event to Inngest. The event id makes a re-delivery after a crash a no-op on Inngest's side. */
export function createInngestDispatcher(client: Inngest.Any): OutboxDispatcher {
  return async (message) => {
    await client.send({ id: `outbox-${message.id}`, name: message.name, data: message.payload as Record<string, unknown> });
  };
}
