
import type { DepsOf } from "~/server/deps.ts";
import { getSaleReportData } from "~/server/domain/admin/sales/get-sale-report.ts";

type Deps = DepsOf<"db" | "redis" | "clock">;

/** Excel opens a UTF-8 CSV as such (Korean intact) only when it starts with a byte order mark. */
export const CSV_BOM = "\uFEFF";

/**
 * One CSV field. Quotes when needed (RFC 4180), and defuses spreadsheet formulas: a text cell starting with
 * = + - @ (e.g. a product name) would otherwise run as a formula when the file is opened.
 */
export function csvCell(value: string | number | null | undefined) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const seoulParts = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Asia/Seoul",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/** "2026-11-24 15:00:01" in Korea Standard Time: sortable, and what Excel reads as a date-time. */
export function seoulTimestamp(date: Date | null) {
  if (!date) return "";
  const parts = Object.fromEntries(seoulParts.formatToParts(date).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

const SALE_STATE_LABELS: Record<string, string> = { SCHEDULED: "예정", OPEN: "진행 중", PAUSED: "일시 중지", SOLD_OUT: "매진", CLOSED: "종료" };

function durationText(milliseconds: number | null) {
  if (milliseconds === null) return "";
  return (milliseconds / 1000).toFixed(3);
}

/** The post-sale report as CSV: a summary block, a blank line, then every stored second of traffic. */
export async function buildSaleReportCsv(deps: Deps, input: { id: number }) {
  const report = await getSaleReportData(deps, input);
  const { summary, sale } = report;
  const summaryRows: Array<[string, string | number | null]> = [
    ["세일 번호", sale.id],
    ["상품", sale.product.name],
    ["세일가(원)", sale.salePrice],
    ["시작 시각(KST)", seoulTimestamp(sale.opensAt)],
    ["종료 시각(KST)", seoulTimestamp(sale.closesAt)],
    ["상태", SALE_STATE_LABELS[sale.state] ?? sale.state],
    ["수량", summary.quantity],
    ["판매(결제 완료·미반품)", summary.sold],
    ["결제된 주문(누적)", summary.everPaid],
    ["만료", summary.expired],
    ["취소", summary.cancelled],
    ["반품", summary.returned],
    ["결제 대기", summary.pendingPayment],
    ["초과 판매", summary.oversold],
    ["첫 결제 시각(KST)", seoulTimestamp(summary.firstPurchaseAt)],
    ["마지막 결제 시각(KST)", seoulTimestamp(summary.lastPurchaseAt)],
    ["매진까지 걸린 시간(초)", durationText(summary.timeToSellOutMs)],
    ["전량 선점까지 걸린 시간(초)", durationText(summary.timeToAllReservedMs)],
    ["최대 초당 시도", summary.peakAttemptsPerSecond],
    ["최대 시도 시각(KST)", seoulTimestamp(summary.peakAt)],
    ["총 시도", summary.totalAttempts],
    ["총 선점 성공", summary.totalWins],
    ["보고서 생성 시각(KST)", seoulTimestamp(report.generatedAt)],
  ];
  const lines = [
    ["항목", "값"].map(csvCell).join(","),
    ...summaryRows.map(([label, value]) => [csvCell(label), csvCell(value)].join(",")),
    "",
    ["시각(KST)", "시도", "선점 성공"].map(csvCell).join(","),
    ...report.rows.map((row) => [csvCell(seoulTimestamp(row.second)), row.attempts, row.wins].join(",")),
  ];
  return { fileName: `flashmart-sale-${sale.id}-report.csv`, csv: `${CSV_BOM}${lines.join("\r\n")}\r\n` };
}
