import { describe, expect, it, vi } from "vitest";

import { createLocalDispatcher } from "~/server/domain/due-work/local-event-handlers.ts";
import { orderPlaced, paymentRefundRequested } from "~/server/domain/events.ts";
import { enqueueEvent } from "~/server/domain/outbox/enqueue-event.ts";
import { logger } from "~/server/logger.ts";

describe("createLocalDispatcher", () => {
  it("hands a handler its event's parsed payload", async () => {
    const received: unknown[] = [];
    const dispatch = createLocalDispatcher({ [paymentRefundRequested.name]: async (message) => void received.push(message) });

    await dispatch({ id: 7, name: paymentRefundRequested.name, payload: { orderId: "order-1", paymentId: 42, extra: "dropped" } });

    expect(received).toEqual([{ id: 7, name: paymentRefundRequested.name, payload: { orderId: "order-1", paymentId: 42 } }]);
  });

  it("rejects a payload its event's schema refuses, so the relay retries it and in the end buries it", async () => {
    const handler = vi.fn(async () => {});
    const dispatch = createLocalDispatcher({ [paymentRefundRequested.name]: handler });

    await expect(dispatch({ id: 8, name: paymentRefundRequested.name, payload: { orderId: "order-1", paymentId: "42" } })).rejects.toThrow(/malformed payload[\s\S]*paymentId/);
    await expect(dispatch({ id: 9, name: paymentRefundRequested.name, payload: null })).rejects.toThrow(/malformed payload/);
    expect(handler).not.toHaveBeenCalled();
  });

  it("acknowledges an event nothing consumes locally without looking at it", async () => {
    vi.spyOn(logger, "debug").mockImplementation(() => {});
    const dispatch = createLocalDispatcher({});

    await expect(dispatch({ id: 10, name: orderPlaced.name, payload: "not even an object" })).resolves.toBeUndefined();
  });
});

describe("enqueueEvent", () => {
  const writer = () => {
    const rows: unknown[] = [];
    return { rows, outboxEvent: { create: async (args: { data: unknown }) => void rows.push(args.data) } };
  };

  it("refuses a payload its event's schema refuses, before anything is written", async () => {
    const tx = writer();
    // @ts-expect-error paymentId is a number: a wrong payload does not compile.
    await expect(enqueueEvent(tx, paymentRefundRequested, { orderId: "order-1", paymentId: "42" })).rejects.toThrow();
    // @ts-expect-error paymentDueAt is required.
    await expect(enqueueEvent(tx, orderPlaced, { orderId: "order-1" })).rejects.toThrow();
    expect(tx.rows).toEqual([]);
  });

  it("writes the event's name and payload", async () => {
    const tx = writer();
    await enqueueEvent(tx, paymentRefundRequested, { orderId: "order-1", paymentId: 42 });
    expect(tx.rows).toEqual([{ name: "shop/payment.refund-requested", payload: { orderId: "order-1", paymentId: 42 }, availableAt: undefined }]);
  });
});
