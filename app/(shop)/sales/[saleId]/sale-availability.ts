/** The sale phase the server reports (and the page corrects to OPEN when its countdown reaches zero). */
export type SalePhase = "UPCOMING" | "OPEN" | "PAUSED" | "SOLD_OUT" | "CLOSED";

/**
 * What a buyer is told about the units. OPEN: some can be bought now. ALL_HELD: none can be bought now, but some are
 * only held for payment and come back if their buyers do not pay. SOLD_OUT: final, every unit is paid.
 */
export type AvailabilityKind = "UPCOMING" | "OPEN" | "ALL_HELD" | "SOLD_OUT" | "PAUSED" | "CLOSED";

export type SaleAvailability = {
  kind: AvailabilityKind;
  available: number;
  held: number;
  sold: number;
  quantity: number;
  /** Payment deadline (ms) of the first hold that may come back; only for ALL_HELD, and only while still ahead. */
  mayReturnAt: number | null;
};

export type LiveCounts = { quantity: number; sold: number; held: number; available: number; earliestHoldDueAt?: number | null };

/**
 * The one place the page decides which of the three states it shows, so the panel, the phone's buy bar and the
 * waiting room never disagree. The server's SOLD_OUT phase means only "nothing available now"; held units make it
 * ALL_HELD, and only sold = quantity (nothing held, nothing available) is final.
 */
export function deriveSaleAvailability(phase: SalePhase, live: LiveCounts, nowMs: number): SaleAvailability {
  const counts = { available: Math.max(0, live.available), held: Math.max(0, live.held), sold: live.sold, quantity: live.quantity };
  const result = (kind: AvailabilityKind, mayReturnAt: number | null = null): SaleAvailability => ({ kind, ...counts, mayReturnAt });

  if (phase === "CLOSED" || phase === "PAUSED" || phase === "UPCOMING") return result(phase);
  if (counts.available > 0) return result("OPEN");
  if (counts.held === 0) return result("SOLD_OUT");
  const dueAt = live.earliestHoldDueAt ?? null;
  return result("ALL_HELD", dueAt !== null && dueAt > nowMs ? dueAt : null);
}
