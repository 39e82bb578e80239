import type { Db } from "~/server/db.ts";
import { createLocalDispatcher } from "~/server/domain/due-work/local-event-handlers.ts";
import { productRestocked, saleUnitsReturned } from "~/server/domain/events.ts";
import { restockEventHandlers } from "~/server/domain/restock/event-handlers.ts";
import type { RestockNotifyDeps } from "~/server/domain/restock/notify-restock-subscribers.ts";
import type { RestockTarget } from "~/server/domain/restock/restock-target.ts";

type RestockEventRow = { id: number; name: string; payload: unknown };

/**
 * The restock events written for one product or sale, oldest first, as the outbox holds them. Found by the target's
 * id (unique to the test) rather than by "unprocessed", so another test's relay sweeping the shared outbox cannot
 * hide them.
 */
export async function restockEventsFor(db: Db, target: RestockTarget): Promise<RestockEventRow[]> {
  const rows =
    target.productId !== undefined
      ? await db.$queryRaw<Array<{ id: number; name: string; payload: string }>>`
          SELECT \`id\`, \`name\`, \`payload\` FROM \`OutboxEvent\`
          WHERE \`name\` = ${productRestocked.name} AND JSON_EXTRACT(\`payload\`, '$.productId') = ${target.productId} ORDER BY \`id\``
      : await db.$queryRaw<Array<{ id: number; name: string; payload: string }>>`
          SELECT \`id\`, \`name\`, \`payload\` FROM \`OutboxEvent\`
          WHERE \`name\` = ${saleUnitsReturned.name} AND JSON_EXTRACT(\`payload\`, '$.saleId') = ${target.saleId} ORDER BY \`id\``;
  return rows.map((row) => ({ id: Number(row.id), name: row.name, payload: typeof row.payload === "string" ? JSON.parse(row.payload) : row.payload }));
}

/** Hands restock events to the in-process consumer, exactly as the local outbox relay would. */
export function deliverRestockEvents(deps: RestockNotifyDeps, events: RestockEventRow[]) {
  const dispatch = createLocalDispatcher(restockEventHandlers(deps));
  return Promise.all(events.map((event) => dispatch(event)));
}

/** Restock mails received by these addresses. */
export function restockMailsTo(db: Db, addresses: string[]) {
  return db.emailMessage.findMany({ where: { toAddress: { in: addresses }, template: "restock-alert" }, orderBy: { id: "asc" }, select: { toAddress: true, subject: true, text: true } });
}

/** Removes the restock events of a test's products and sales (their subscriptions cascade with them). */
export async function deleteRestockEvents(db: Db, targets: RestockTarget[]) {
  for (const target of targets) {
    const ids = (await restockEventsFor(db, target)).map((event) => event.id);
    if (ids.length > 0) await db.outboxEvent.deleteMany({ where: { id: { in: ids } } });
  }
}
