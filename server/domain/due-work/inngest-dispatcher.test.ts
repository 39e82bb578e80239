import { describe, expect, it, vi } from "vitest";

import { createInngestDispatcher } from "~/server/domain/due-work/inngest-dispatcher.ts";
import { orderPlaced, paymentRefundRequested } from "~/server/domain/events.ts";

function fakeInngest() {
  const send = vi.fn(async (_event: unknown) => ({ ids: ["x"] }));
  return { send: send as unknown as Parameters<typeof createInngestDispatcher>[0]["send"], sent: send };
}

describe("createInngestDispatcher", () => {
  it("sends the event's parsed payload under an id derived from the outbox row", async () => {
    const client = fakeInngest();
    const dispatch = createInngestDispatcher(client);

    await dispatch({ id: 7, name: paymentRefundRequested.name, payload: { orderId: "order-1", paymentId: 42, extra: "dropped" } });

    expect(client.sent).toHaveBeenCalledWith({ id: "outbox-7", name: paymentRefundRequested.name, data: { orderId: "order-1", paymentId: 42 } });
  });

  it("refuses a malformed payload or an unknown name without sending, so the relay retries it into the dead letters", async () => {
    const client = fakeInngest();
    const dispatch = createInngestDispatcher(client);

    await expect(dispatch({ id: 8, name: orderPlaced.name, payload: { orderId: "order-1" } })).rejects.toThrow(/malformed payload[\s\S]*paymentDueAt/);
    await expect(dispatch({ id: 9, name: "shop/not.an-event", payload: {} })).rejects.toThrow(/no schema/);
    expect(client.sent).not.toHaveBeenCalled();
  });
});
