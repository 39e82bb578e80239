import { describe, expect, it } from "vitest";

import { idField, MAX_INT_COLUMN, MAX_PRICE_WON, MAX_QUANTITY_PER_ORDER, MIN_PRICE_WON, orderQuantityField, parseIdParam, paymentAmountField, priceField } from "~/server/domain/input-rules.ts";

const messagesOf = (result: { success: boolean; error?: { issues: { message: string }[] } }) => result.error?.issues.map((issue) => issue.message) ?? [];

describe("input rules", () => {
  it("accepts ids up to the INT column and refuses one past it", () => {
    const id = idField("상품을 선택해 주세요.");
    expect(id.safeParse(1).success).toBe(true);
    expect(id.safeParse(MAX_INT_COLUMN).success).toBe(true);
    for (const value of [0, -1, 1.5, MAX_INT_COLUMN + 1]) expect(id.safeParse(value).success).toBe(false);
    expect(messagesOf(id.safeParse(undefined))).toEqual(["상품을 선택해 주세요."]);
  });

  it("reads URL ids only in canonical form and within the column", () => {
    expect(parseIdParam("1")).toBe(1);
    expect(parseIdParam(String(MAX_INT_COLUMN))).toBe(MAX_INT_COLUMN);
    for (const raw of [String(MAX_INT_COLUMN + 1), "0", "01", "1e3", "abc", "", "-1"]) expect(parseIdParam(raw)).toBeNull();
  });

  it("bounds quantities to one order's limit, with the shopper's messages", () => {
    expect(orderQuantityField.safeParse(1).success).toBe(true);
    expect(orderQuantityField.safeParse(MAX_QUANTITY_PER_ORDER).success).toBe(true);
    expect(messagesOf(orderQuantityField.safeParse(0))).toEqual(["수량은 1개 이상이어야 합니다."]);
    expect(messagesOf(orderQuantityField.safeParse(1.5))).toEqual(["수량은 정수로 입력해 주세요."]);
    expect(messagesOf(orderQuantityField.safeParse(MAX_QUANTITY_PER_ORDER + 1))).toEqual([`한 번에 최대 ${MAX_QUANTITY_PER_ORDER}개까지 주문할 수 있습니다.`]);
  });

  it("bounds prices in whole won and names the field in its messages", () => {
    const price = priceField({ required: "가격을 숫자로 입력해 주세요.", integer: "가격은 원 단위 정수로 입력해 주세요.", topic: "가격은" });
    expect(price.safeParse(MIN_PRICE_WON).success).toBe(true);
    expect(price.safeParse(MAX_PRICE_WON).success).toBe(true);
    expect(messagesOf(price.safeParse(MIN_PRICE_WON - 1))).toEqual(["가격은 100원 이상이어야 합니다."]);
    expect(messagesOf(price.safeParse(MAX_PRICE_WON + 1))).toEqual(["가격은 1억 원 이하여야 합니다."]);
    expect(messagesOf(price.safeParse(100.5))).toEqual(["가격은 원 단위 정수로 입력해 주세요."]);
    expect(messagesOf(price.safeParse(Number.NaN))).toEqual(["가격을 숫자로 입력해 주세요."]);
  });

  it("takes any positive payment amount the column can hold", () => {
    expect(paymentAmountField.safeParse(MAX_INT_COLUMN).success).toBe(true);
    for (const value of [0, 1.5, MAX_INT_COLUMN + 1]) expect(paymentAmountField.safeParse(value).success).toBe(false);
  });
});
