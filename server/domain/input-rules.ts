import { z } from "zod";

/**
 * The bounds every input shares: ids, quantities and money. Plain zod and constants with no server imports, so the
 * procedures' inputs and the browser's forms check the same numbers; the server's check stays the one that counts.
 */

/** The largest value of a signed INT column. Anything above it must be refused before it reaches SQL. */
export const MAX_INT_COLUMN = 2_147_483_647;

/** A row id as clients may send it: a positive INT that fits the column. The message covers a missing value. */
export function idField(requiredMessage?: string) {
  return z.number(requiredMessage === undefined ? undefined : { error: requiredMessage }).int().positive().max(MAX_INT_COLUMN);
}

export const productIdField = idField("상품을 선택해 주세요.");

export function isIdInRange(value: number) {
  return Number.isInteger(value) && value > 0 && value <= MAX_INT_COLUMN;
}

/** An id from a URL: only canonical positive integers, so "01", "1e3" or "abc" are simply not pages. */
export function parseIdParam(raw: string): number | null {
  if (!/^[1-9]\d{0,9}$/.test(raw)) return null;
  const id = Number(raw);
  return id <= MAX_INT_COLUMN ? id : null;
}

/**
 * One limit for a cart line and for an order, so a cart can never hold more than a single order may buy and
 * checkout never has to reject what the cart accepted for this reason.
 */
export const MAX_QUANTITY_PER_ORDER = 10;

/** How many units a shopper asks for: whole units, at least one, never more than one order may buy. */
export const orderQuantityField = z
  .number({ error: "수량을 입력해 주세요." })
  .int("수량은 정수로 입력해 주세요.")
  .min(1, "수량은 1개 이상이어야 합니다.")
  .max(MAX_QUANTITY_PER_ORDER, `한 번에 최대 ${MAX_QUANTITY_PER_ORDER}개까지 주문할 수 있습니다.`);

/** Units an admin may put on hand: a product's stock, a sale's allotment. */
export const MAX_STOCK_UNITS = 1_000_000;

/** Prices are integer KRW. */
export const MIN_PRICE_WON = 100;
export const MAX_PRICE_WON = 100_000_000;

/**
 * A price an admin types (a product's price, a sale's price). `topic` is the subject with its particle ("가격은",
 * "세일가는"), since Korean picks the particle by the noun's last syllable.
 */
export function priceField(messages: { required: string; integer: string; topic: string }) {
  return z
    .number({ error: messages.required })
    .int(messages.integer)
    .min(MIN_PRICE_WON, `${messages.topic} ${MIN_PRICE_WON}원 이상이어야 합니다.`)
    .max(MAX_PRICE_WON, `${messages.topic} 1억 원 이하여야 합니다.`);
}

/** An amount the buyer saw, in won. Only compared with the order's own total, so it is only kept within the column. */
export const paymentAmountField = z.number().int().positive().max(MAX_INT_COLUMN);
