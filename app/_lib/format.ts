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
