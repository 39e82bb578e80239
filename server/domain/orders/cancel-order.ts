import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { orderCancelled } from "~/server/domain/events.ts";
import { refundPaymentSoon, requestRefundOfOrderPayment } from "~/server/domain/payments/refund-payment.ts";
import { announceReleasedUnits, releaseOrderUnits } from "~/server/domain/orders/release-order-units.ts";
import { releasableOrderSelect } from "~/server/domain/orders/select.ts";
import { enqueueEvent } from "~/server/domain/outbox/enqueue-event.ts";
import type { OrderStatus } from "~/server/generated/prisma/enums.ts";

export const cancelOrderInput = z.object({
  id: z.string().min(1).max(32),
  reason: z.string().trim().max(191).optional(),
});
export type CancelOrderInput = z.infer<typeof cancelOrderInput>;

type Deps = DepsOf<"db" | "redis" | "clock" | "payments" | "saleEngine" | "invalidatePublicPages">;

/** Before shipping the buyer may cancel; afterwards only a return is possible. */
export const CANCELLABLE_STATUSES: readonly OrderStatus[] = ["PENDING_PAYMENT", "PAID"];

function notCancellableError(status: OrderStatus) {
  switch (status) {
    case "SHIPPING":
    case "DELIVERED":
      return new DomainError("INVALID_STATE", "이미 배송이 시작되어 주문을 취소할 수 없습니다. 배송 완료 후 반품을 신청해 주세요.");
    case "CANCELLED":
      return new DomainError("INVALID_STATE", "이미 취소된 주문입니다.");
    case "EXPIRED":
      return new DomainError("INVALID_STATE", "결제 시간이 만료된 주문은 취소할 수 없습니다.");
    default:
      return new DomainError("INVALID_STATE", "이 주문은 취소할 수 없는 상태입니다.");
  }
}

/**
 * The buyer cancels their own order before it ships. One transaction: a compare-and-set from the status that was
 * read (so a concurrent payment, expiry or shipment makes this fail cleanly instead of doing both), units back, and
 * for a paid order a refund request in the outbox. The refund is then tried at once; if the provider is down the
 * outbox keeps retrying it, so the cancellation itself never waits on the provider.
 */
export async function cancelOrder(deps: Deps, input: CancelOrderInput & { userId: string }) {
  const now = deps.clock.now();
  const outcome = await deps.db.$transaction(async (tx) => {
    const order = await tx.order.findFirst({ where: { id: input.id, userId: input.userId }, select: releasableOrderSelect });
    if (!order) throw new DomainError("NOT_FOUND", "주문을 찾을 수 없습니다.");
    if (!CANCELLABLE_STATUSES.includes(order.status)) throw notCancellableError(order.status);

    const { count } = await tx.order.updateMany({
      where: { id: order.id, userId: input.userId, status: order.status, stockReleasedAt: null },
      data: { status: "CANCELLED", cancelledAt: now, cancelReason: input.reason || "구매자 요청", dueAt: null, stockReleasedAt: now },
    });
    if (count === 0) {
      const current = await tx.order.findUniqueOrThrow({ where: { id: order.id }, select: { status: true } });
      throw notCancellableError(current.status);
    }

    const wasPaid = order.status === "PAID";
    const released = await releaseOrderUnits(tx, order, { wasPaid });
    const paymentId = wasPaid ? await requestRefundOfOrderPayment(tx, order.id, now) : null;
    await enqueueEvent(tx, orderCancelled, { orderId: order.id });
    return { order, paymentId, released };
  });

  await announceReleasedUnits(deps, outcome.order, outcome.released);
  await refundPaymentSoon(deps, outcome.paymentId);
  return { id: outcome.order.id, status: "CANCELLED" as const, isRefundRequested: outcome.paymentId !== null };
}
