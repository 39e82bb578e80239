import { MAX_STOCK_UNITS } from "~/server/domain/input-rules.ts";

/**
 * A sale's settings as createSaleInput/updateSaleInput bound them. Plain constants with no server imports, so the
 * admin sale form checks the same numbers instead of copying them; the sale price is input-rules' priceField.
 */
export const SALE_LIMITS = {
  quantity: { min: 1, max: MAX_STOCK_UNITS },
  perUserLimit: { min: 1, max: 10 },
  holdMinutes: { min: 1, max: 60 },
  admissionRatePerMinute: { min: 1, max: 1_000_000 },
  overbookingPercent: { min: 100, max: 300 },
  queueOpensMinutesBefore: { min: 0, max: 24 * 60 },
  stockBuckets: { min: 1, max: 8 },
} as const;

export const SALE_FAIRNESS_MODES = ["FIFO", "SHUFFLE_AT_OPEN", "RAFFLE"] as const;
export const SALE_ADMISSION_MODES = ["RATE", "AUTO"] as const;

/** The server's refusals about the sale window, exported so the form can show them under the field they concern. */
export const OPENS_IN_PAST_MESSAGE = "시작 시각은 현재 이후여야 합니다.";
export const CLOSES_BEFORE_OPENS_MESSAGE = "종료 시각은 시작 시각 이후여야 합니다.";
/** Stock buckets and the waiting room exclude each other (sale-buckets.ts says why). */
export const BUCKETS_WITH_WAITING_ROOM_MESSAGE = "대기열을 쓰는 세일은 재고를 나누지 않습니다. 재고 분할 수를 1로 두거나 대기열을 꺼 주세요.";
