import { describe, expect, it } from "vitest";

import { deriveSaleAvailability } from "~/app/(shop)/sales/[saleId]/sale-availability.ts";

const NOW = Date.parse("2032-02-02T03:00:00.000Z");

describe("deriveSaleAvailability", () => {
  it("is selling while units are available, whatever is held", () => {
    expect(deriveSaleAvailability("OPEN", { quantity: 3, sold: 1, held: 1, available: 1 }, NOW)).toMatchObject({ kind: "OPEN", available: 1, held: 1 });
  });

  it("all held but unpaid is not sold out: it says how many are held and when the first may come back", () => {
    const state = deriveSaleAvailability("SOLD_OUT", { quantity: 1, sold: 0, held: 1, available: 0, earliestHoldDueAt: NOW + 90_000 }, NOW);
    expect(state).toEqual({ kind: "ALL_HELD", available: 0, held: 1, sold: 0, quantity: 1, mayReturnAt: NOW + 90_000 });
  });

  it("all held without a known (or with a passed) deadline gives no time", () => {
    expect(deriveSaleAvailability("SOLD_OUT", { quantity: 2, sold: 1, held: 1, available: 0 }, NOW)).toMatchObject({ kind: "ALL_HELD", mayReturnAt: null });
    expect(deriveSaleAvailability("SOLD_OUT", { quantity: 2, sold: 1, held: 1, available: 0, earliestHoldDueAt: NOW - 1 }, NOW)).toMatchObject({ kind: "ALL_HELD", mayReturnAt: null });
  });

  it("is sold out only when nothing is available and nothing is held", () => {
    expect(deriveSaleAvailability("SOLD_OUT", { quantity: 2, sold: 2, held: 0, available: 0 }, NOW)).toMatchObject({ kind: "SOLD_OUT" });
    // The page opened on its own countdown before the first poll said so: the numbers still decide.
    expect(deriveSaleAvailability("OPEN", { quantity: 1, sold: 1, held: 0, available: 0 }, NOW)).toMatchObject({ kind: "SOLD_OUT" });
  });

  it("upcoming, paused and closed win over the counts", () => {
    for (const phase of ["UPCOMING", "PAUSED", "CLOSED"] as const) {
      expect(deriveSaleAvailability(phase, { quantity: 1, sold: 0, held: 1, available: 0 }, NOW).kind).toBe(phase);
    }
  });
});
