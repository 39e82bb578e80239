import type { DepsOf } from "~/server/deps.ts";
import { isPaidOrderStatus, moveAttempt } from "~/server/domain/payments/ledger.ts";
import type { Prisma } from "~/server/generated/prisma/client.ts";
import { logger } from "~/server/logger.ts";

type Deps = DepsOf<"db" | "clock" | "payments">;

/**
 * Marks an order's approved charge for refund, in the transaction that moves the order out of its paid statuses
 * (cancel, return): from then on the ledger says the money must go back, and refundPayment gives it back. Returns
 * the payment id to refund, or null for an order that was never paid.
 */
export async function requestRefundOfOrderPayment(tx: Prisma.TransactionClient, orderId: string, now: Date) {
  const payment = await tx.payment.findFirst({ where: { orderId, status: "APPROVED" }, orderBy: { id: "desc" }, select: { id: true } });
  if (!payment) return null;
  await moveAttempt(tx, payment.id, { from: ["APPROVED"], to: "REFUND_PENDING", at: now });
  return payment.id;
}

/**
 * Gives a charge back through the provider (cancel of its paymentKey), then REFUND_PENDING → REFUNDED with a
 * compare-and-set. Idempotent end to end: the provider call carries a stable idempotency key and treats "already
 * cancelled" as done, and a refunded row is left alone. Throws when the provider cannot be reached, so the outbox
 * event or the reconciliation that asked for it retries later.
 */
export async function refundPayment(deps: Deps, input: { paymentId: number }) {
  const payment = await deps.db.payment.findUnique({
    where: { id: input.paymentId },
    select: { id: true, orderId: true, paymentKey: true, status: true, failureMessage: true, order: { select: { status: true } } },
  });
  if (!payment) return { refunded: false };
  if (payment.status === "APPROVED") {
    // Only an event queued before refunds had their own state can name an APPROVED row. The ledger's rule still
    // holds: the charge of an order that is paid is never cancelled.
    if (isPaidOrderStatus(payment.order.status)) {
      logger.error({ paymentId: payment.id, orderId: payment.orderId, orderStatus: payment.order.status }, "refund refused: the order is paid with this charge");
      return { refunded: false };
    }
    await moveAttempt(deps.db, payment.id, { from: ["APPROVED"], to: "REFUND_PENDING", at: deps.clock.now() });
  } else if (payment.status !== "REFUND_PENDING") {
    return { refunded: false };
  }

  const gateway = deps.payments;
  const reason = payment.failureMessage ?? "구매자 주문 취소/반품";
  const result = await gateway.cancel({ paymentKey: payment.paymentKey, reason, idempotencyKey: `refund-${payment.id}` });
  if (result.outcome === "NOT_FOUND") {
    // The provider never captured it; there is nothing to give back, but the row must not stay owed.
    logger.error({ paymentId: payment.id, orderId: payment.orderId }, "refund: provider has no such payment");
  }
  const isRefunded = await moveAttempt(deps.db, payment.id, {
    from: ["REFUND_PENDING"],
    to: "REFUNDED",
    at: deps.clock.now(),
    refundedAt: deps.clock.now(),
    ...(result.outcome === "NOT_FOUND" ? { failureCode: "NOT_CAPTURED" } : {}),
  });
  return { refunded: isRefunded };
}

/** Refunds right away for a prompt answer; if that fails the queued outbox event retries it, so this never throws. */
export async function refundPaymentSoon(deps: Deps, paymentId: number | null) {
  if (paymentId === null) return;
  try {
    await refundPayment(deps, { paymentId });
  } catch (error) {
    logger.warn({ paymentId, err: error }, "immediate refund failed; the outbox will retry it");
  }
}
