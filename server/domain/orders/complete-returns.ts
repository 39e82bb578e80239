
import type { DepsOf } from "~/server/deps.ts";
import { orderReturned } from "~/server/domain/events.ts";
import { refundPaymentSoon, requestRefundOfOrderPayment } from "~/server/domain/payments/refund-payment.ts";
import { announceReleasedUnits, releaseOrderUnits } from "~/server/domain/orders/release-order-units.ts";
import { releasableOrderSelect } from "~/server/domain/orders/select.ts";
import { enqueueEvent } from "~/server/domain/outbox/enqueue-event.ts";

type Deps = DepsOf<"db" | "redis" | "clock" | "payments" | "saleEngine" | "invalidatePublicPages">;

/**
 * RETURN_REQUESTED → RETURNED when the return is due (the item has come back): units return to stock and the
 * payment is refunded. Same guarantees as expiry: one compare-and-set including stockReleasedAt, the refund queued in
 * the outbox in the same transaction and then tried at once.
 */
export async function completeReturn(deps: Deps, input: { orderId: string }) {
  const now = deps.clock.now();
  const outcome = await deps.db.$transaction(async (tx) => {
    const order = await tx.order.findUnique({ where: { id: input.orderId }, select: { ...releasableOrderSelect, dueAt: true } });
    if (!order || order.status !== "RETURN_REQUESTED" || !order.dueAt || order.dueAt > now) return null;

    const { count } = await tx.order.updateMany({
      where: { id: order.id, status: "RETURN_REQUESTED", dueAt: order.dueAt, stockReleasedAt: null },
      data: { status: "RETURNED", returnedAt: order.dueAt, dueAt: null, stockReleasedAt: now },
    });
    if (count === 0) return null;

    const released = await releaseOrderUnits(tx, order, { wasPaid: true });
    const paymentId = await requestRefundOfOrderPayment(tx, order.id, now);
    await enqueueEvent(tx, orderReturned, { orderId: order.id });
    return { order, paymentId, released };
  });
  if (!outcome) return false;

  await announceReleasedUnits(deps, outcome.order, outcome.released);
  await refundPaymentSoon(deps, outcome.paymentId);
  return true;
}

/** Due operation "complete-order-returns". */
export async function completeDueReturns(deps: Deps, options: { batchSize?: number } = {}) {
  const due = await deps.db.order.findMany({
    where: { status: "RETURN_REQUESTED", dueAt: { lte: deps.clock.now() } },
    orderBy: { dueAt: "asc" },
    take: options.batchSize ?? 500,
    select: { id: true },
  });
  let processed = 0;
  for (const order of due) {
    if (await completeReturn(deps, { orderId: order.id })) processed += 1;
  }
  return { processed };
}
