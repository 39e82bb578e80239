import { describe, expect, it } from "vitest";

import { payloadIds } from "~/server/domain/outbox/payload-ids.ts";

describe("payloadIds", () => {
  it("keeps id-shaped keys with id-shaped values and nothing else", () => {
    expect(
      payloadIds({
        orderId: "cm9x1y2z3000008l4abcd1234",
        paymentId: 42,
        saleId: 7,
        opensAt: "2031-01-01T00:00:00.000Z",
        email: "victim@example.com",
        buyerEmailId: "victim@example.com",
        nested: { orderId: "x" },
        amountId: 1.5,
      }),
    ).toEqual({ orderId: "cm9x1y2z3000008l4abcd1234", paymentId: 42, saleId: 7 });
  });

  it("answers an empty set for payloads that are not objects", () => {
    expect(payloadIds(null)).toEqual({});
    expect(payloadIds("orderId")).toEqual({});
    expect(payloadIds([{ orderId: "a" }])).toEqual({});
  });
});
