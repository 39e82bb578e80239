import type { Prisma } from "~/server/generated/prisma/client.ts";

type OutboxWriter = { outboxEvent: { create(args: { data: Prisma.OutboxEventCreateInput }): Promise<unknown> } };

/**
 * Records a domain event in the transaction that makes the state change it describes: either both commit or
 * neither does, so an event can never be lost or announce something that did not happen. relayOutbox delivers it.
 */
export async function enqueueEvent(tx: OutboxWriter, name: string, payload: Prisma.InputJsonValue, options: { availableAt?: Date } = {}) {
  await tx.outboxEvent.create({ data: { name, payload, availableAt: options.availableAt } });
}
