
import type { DepsOf } from "~/server/deps.ts";
import type { AddressSnapshot } from "~/server/domain/orders/address-snapshot.ts";
import { orderPaid } from "~/server/domain/events.ts";
import { addMs } from "~/server/domain/orders/order-timing.ts";
import { enqueueEvent } from "~/server/domain/outbox/enqueue-event.ts";
import { moveAttempt, runPaymentTransaction } from "~/server/domain/payments/ledger.ts";
import { finishPaidOrder } from "~/server/domain/payments/paid-sale-units.ts";
import { oweChargeBack, refundPaymentSoon } from "~/server/domain/payments/refund-payment.ts";

type Deps = DepsOf<"db" | "redis" | "clock" | "payments" | "config" | "saleEngine" | "invalidatePublicPages">;

export const NOT_PAYABLE_REFUND_REASON = "주문 결제 불가로 자동 취소";

/**
 * PAID: the charge is now the order's payment. NOT_PAYABLE: the order could not take it (deadline passed, already
 * paid with another key, cancelled), so it is queued for refund and refunded now if the provider answers.
 * SETTLED_ELSEWHERE: another writer (a double click with the same key, or reconciliation) settled this row first.
 */
export type CapturedChargeOutcome = { outcome: "PAID"; paidAt: Date } | { outcome: "NOT_PAYABLE" } | { outcome: "SETTLED_ELSEWHERE" };

/**
 * The provider holds a captured charge for a PENDING ledger row: make it the order's payment if the order can still
 * take it, otherwise owe it back. One short transaction of primary-key statements (the row, the order, an outbox
 * event), shared by the pay path and reconciliation. A sale's sold counter is not touched inside it: that row is
 * every payer's, and the unit is counted right after the commit (finishPaidOrder).
 * An order placed without an address (a flash-sale hold) only becomes PAID together with `address`; without one it
 * cannot take the charge, so "PAID" and "has somewhere to ship" always commit together.
 */
export async function applyCapturedCharge(
  deps: Deps,
  charge: { paymentId: number; approvedAt: Date; order: { id: string; userId: string; saleId: number | null }; address: AddressSnapshot | null },
): Promise<CapturedChargeOutcome> {
  const now = deps.clock.now();
  const { order } = charge;
  const result = await runPaymentTransaction(deps.db, async (tx): Promise<CapturedChargeOutcome> => {
    const isClaimed = await moveAttempt(tx, charge.paymentId, { from: ["PENDING"], to: "APPROVED", at: now, approvedAt: charge.approvedAt, failureCode: null, failureMessage: null });
    if (!isClaimed) return { outcome: "SETTLED_ELSEWHERE" };

    const { count } = await tx.order.updateMany({
      where: { id: order.id, status: "PENDING_PAYMENT", paymentDueAt: { gt: now }, ...(charge.address ? {} : { recipientEnc: { not: null } }) },
      data: { status: "PAID", paidAt: now, dueAt: addMs(now, deps.config.orderTimings.shipAfterMs), ...charge.address },
    });
    if (count === 1) {
      await enqueueEvent(tx, orderPaid, { orderId: order.id });
      return { outcome: "PAID", paidAt: now };
    }
    await oweChargeBack(tx, { paymentId: charge.paymentId, orderId: order.id, from: ["APPROVED"], at: now, failureCode: "ORDER_NOT_PAYABLE", failureMessage: NOT_PAYABLE_REFUND_REASON });
    return { outcome: "NOT_PAYABLE" };
  });

  if (result.outcome === "PAID") await finishPaidOrder(deps, order);
  if (result.outcome === "NOT_PAYABLE") await refundPaymentSoon(deps, charge.paymentId);
  return result;
}

/**
 * A captured charge that can never be an order's payment (another amount than the order's, another order's id at
 * the provider): owe it back and give it back now if the provider answers.
 */
export async function refundUnusableCharge(deps: Deps, charge: { paymentId: number; orderId: string; failureCode: string }) {
  const now = deps.clock.now();
  const isOwed = await runPaymentTransaction(deps.db, (tx) =>
    oweChargeBack(tx, { paymentId: charge.paymentId, orderId: charge.orderId, from: ["PENDING"], at: now, failureCode: charge.failureCode, failureMessage: NOT_PAYABLE_REFUND_REASON }),
  );
  if (isOwed) await refundPaymentSoon(deps, charge.paymentId);
  return isOwed;
}
