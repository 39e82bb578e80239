import { describe, expect, it } from "vitest";

import { dateToSeoulLocal, seoulDayStart, seoulLocalToDate } from "~/app/(admin)/admin/_lib/seoul-time.ts";

describe("Seoul wall time ↔ instants", () => {
  it("reads a datetime-local value as Korea Standard Time (UTC+9)", () => {
    expect(seoulLocalToDate("2026-12-01T20:00")?.toISOString()).toBe("2026-12-01T11:00:00.000Z");
    expect(seoulLocalToDate("2027-01-01T00:30")?.toISOString()).toBe("2026-12-31T15:30:00.000Z");
  });

  it("round-trips through the input format", () => {
    const instant = new Date("2026-07-15T23:45:00.000Z");
    expect(dateToSeoulLocal(instant)).toBe("2026-07-16T08:45");
    expect(seoulLocalToDate(dateToSeoulLocal(instant))?.getTime()).toBe(instant.getTime());
  });

  it("refuses empty, malformed and impossible values", () => {
    expect(seoulLocalToDate("")).toBeNull();
    expect(seoulLocalToDate("2026-12-01")).toBeNull();
    expect(seoulLocalToDate("2026-02-31T10:00")).toBeNull();
  });

  it("starts a Seoul calendar day at 15:00 UTC the day before", () => {
    expect(seoulDayStart("2026-11-24")?.toISOString()).toBe("2026-11-23T15:00:00.000Z");
    expect(seoulDayStart("24/11/2026")).toBeNull();
  });
});
