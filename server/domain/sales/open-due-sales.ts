import type { DepsOf } from "~/server/deps.ts";
import { saleOpened } from "~/server/domain/events.ts";
import { enqueueEvent } from "~/server/domain/outbox/enqueue-event.ts";

/**
 * Moves every SCHEDULED sale whose open time has passed to OPEN, and every OPEN or PAUSED sale whose close time has
 * passed to CLOSED. The stored state is a convenience for listings and the dashboard: purchase decisions compare
 * open/close times with the server clock themselves, so a late run never lets anyone buy early or late.
 * Each transition is a compare-and-set on the state, so concurrent or repeated runs change each sale once and
 * announce it once.
 */
export async function openDueSales(deps: DepsOf<"db" | "clock">) {
  const now = deps.clock.now();
  const due = await deps.db.sale.findMany({
    where: { state: "SCHEDULED", opensAt: { lte: now }, OR: [{ closesAt: null }, { closesAt: { gt: now } }] },
    select: { id: true },
    take: 500,
  });

  let opened = 0;
  for (const sale of due) {
    const didOpen = await deps.db.$transaction(async (tx) => {
      const { count } = await tx.sale.updateMany({ where: { id: sale.id, state: "SCHEDULED" }, data: { state: "OPEN" } });
      if (count === 1) await enqueueEvent(tx, saleOpened, { saleId: sale.id });
      return count === 1;
    });
    if (didOpen) opened += 1;
  }

  const closed = await deps.db.sale.updateMany({
    where: { state: { in: ["SCHEDULED", "OPEN", "PAUSED"] }, closesAt: { lte: now } },
    data: { state: "CLOSED" },
  });
  return { processed: opened + closed.count, opened, closed: closed.count };
}
