import type { DepsOf } from "~/server/deps.ts";
import { saleOpened } from "~/server/domain/events.ts";
import { enqueueEvent } from "~/server/domain/outbox/enqueue-event.ts";
import { saleChangedTags } from "~/server/domain/public-pages.ts";

/**
 * Moves every SCHEDULED sale whose open time has passed to OPEN, and every OPEN or PAUSED sale whose close time has
 * passed to CLOSED. The stored state is a convenience for listings and the dashboard: purchase decisions compare
 * open/close times with the server clock themselves, so a late run never lets anyone buy early or late.
 * Each transition is a compare-and-set on the state, so concurrent or repeated runs change each sale once and
 * announce it once, and drops that sale's cached pages.
 */
export async function openDueSales(deps: DepsOf<"db" | "clock" | "invalidatePublicPages">) {
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
    if (didOpen) {
      opened += 1;
      deps.invalidatePublicPages(saleChangedTags(sale.id));
    }
  }

  const closing = { state: { in: ["SCHEDULED" as const, "OPEN" as const, "PAUSED" as const] }, closesAt: { lte: now } };
  const dueToClose = await deps.db.sale.findMany({ where: closing, select: { id: true }, take: 500 });
  let closed = 0;
  for (const sale of dueToClose) {
    const { count } = await deps.db.sale.updateMany({ where: { id: sale.id, ...closing }, data: { state: "CLOSED" } });
    if (count === 0) continue;
    closed += 1;
    deps.invalidatePublicPages(saleChangedTags(sale.id));
  }
  return { processed: opened + closed, opened, closed };
}
