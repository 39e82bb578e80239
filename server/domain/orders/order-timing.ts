const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Korea has no daylight saving time: KST is always UTC+9, so day boundaries are plain arithmetic. */
const KST_OFFSET_MS = 9 * HOUR_MS;

export const addMs = (date: Date, ms: number) => new Date(date.getTime() + ms);

// When each status advances by itself comes from deps.config.orderTimings (server/config.ts; README's env table).

/**
 * A return may be requested "until the end of D+N after delivery": the end of the Korean calendar day N days after
 * the delivery day. The order is confirmed (구매 확정) at that moment unless a return was requested, so the
 * DELIVERED order's dueAt is exactly this instant and the two can never both happen.
 */
export function returnWindowEndsAt(deliveredAt: Date, days: number) {
  const kstDayStart = Math.floor((deliveredAt.getTime() + KST_OFFSET_MS) / DAY_MS) * DAY_MS - KST_OFFSET_MS;
  return new Date(kstDayStart + (days + 1) * DAY_MS);
}
