/** Display formatting for a Korean audience. Pure functions: safe in server and client components alike. */

// Intl constructors are slow; build each formatter once per process.
const wonNumber = new Intl.NumberFormat("ko-KR", { maximumFractionDigits: 0 });

const seoulDateTime = new Intl.DateTimeFormat("ko-KR", {
  timeZone: "Asia/Seoul",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/** Integer won, grouped: 129000 → "129,000원". Won has no minor unit, so prices are never fractional. */
export function formatKrw(amount: number) {
  return `${wonNumber.format(amount)}원`;
}

/** A moment in Korea Standard Time regardless of the server's zone: "2026. 11. 24. 15:04:05". */
export function formatSeoulDateTime(date: Date | string | number) {
  return seoulDateTime.format(new Date(date));
}

const seoulTime = new Intl.DateTimeFormat("ko-KR", { timeZone: "Asia/Seoul", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/** Clock time in Korea: "15:04" (payment deadlines, sale opening). */
export function formatSeoulTime(date: Date | string | number) {
  return seoulTime.format(new Date(date));
}

const seoulTimeWithSeconds = new Intl.DateTimeFormat("ko-KR", { timeZone: "Asia/Seoul", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });

/** Clock time in Korea with seconds: "15:04:05" (deadlines minutes away, where "15:04" would be ambiguous). */
export function formatSeoulTimeWithSeconds(date: Date | string | number) {
  return seoulTimeWithSeconds.format(new Date(date));
}

/** A countdown: "2일 03:04:05", "03:04:05" or "04:05". */
export function formatCountdown(milliseconds: number) {
  const totalSeconds = Math.max(0, Math.ceil(milliseconds / 1000));
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3_600);
  const minutes = Math.floor((totalSeconds % 3_600) / 60);
  const seconds = totalSeconds % 60;
  const pad = (value: number) => String(value).padStart(2, "0");
  const clock = hours > 0 || days > 0 ? `${pad(hours)}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`;
  return days > 0 ? `${days}일 ${clock}` : clock;
}
