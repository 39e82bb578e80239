/**
 * Korea Standard Time is UTC+9 all year (no daylight saving), so converting between an <input type="datetime-local">
 * value entered "in Seoul" and an instant is a fixed offset, independent of the browser's own time zone.
 */
const SEOUL_OFFSET_MS = 9 * 3600_000;

/** "2026-12-01T20:00" (Seoul wall time) → the instant; null for an empty or malformed value. */
export function seoulLocalToDate(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match.map(Number) as [number, number, number, number, number, number, number | undefined];
  const utcMs = Date.UTC(year, month - 1, day, hour, minute, Number.isNaN(second) ? 0 : (second ?? 0)) - SEOUL_OFFSET_MS;
  const date = new Date(utcMs);
  // Rejects impossible dates such as 02-31, which Date.UTC would silently roll over.
  return dateToSeoulLocal(date).slice(0, 16) === value.slice(0, 16) ? date : null;
}

/** An instant → "2026-12-01T20:00" in Seoul wall time, for a datetime-local input's value. */
export function dateToSeoulLocal(date: Date) {
  return new Date(date.getTime() + SEOUL_OFFSET_MS).toISOString().slice(0, 16);
}

/** "2026-12-01" (a Seoul calendar day) → the instant that day starts in Seoul. */
export function seoulDayStart(value: string): Date | null {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? seoulLocalToDate(`${value}T00:00`) : null;
}

const seoulTimeOfDay = new Intl.DateTimeFormat("ko-KR", { timeZone: "Asia/Seoul", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });

/** "15:04:05" in Seoul: chart axes. */
export function formatSeoulTimeOfDay(date: Date | number) {
  return seoulTimeOfDay.format(new Date(date));
}

/** "1분 5.2초" / "4.0초": how long something took. */
export function formatDuration(milliseconds: number) {
  const seconds = milliseconds / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}초`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}분 ${(seconds - minutes * 60).toFixed(1)}초`;
  const hours = Math.floor(minutes / 60);
  return `${hours}시간 ${minutes - hours * 60}분`;
}
