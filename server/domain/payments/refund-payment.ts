import type { DepsOf } from "~/server/deps.ts";
import { paymentRefundRequested } from "~/server/domain/events.ts";
import { enqueueEvent } from "~/server/domain/outbox/enqueue-event.ts";
import { isPaidOrderStatus, moveAttempt } from "~/server/domain/payments/ledger.ts";
import type { PaymentStatus } from "~/server/generated/prisma/enums.ts";
import type { Prisma } from "~/server/generated/prisma/client.ts";
import { logger } from "~/server/logger.ts";

type Deps = DepsOf<"db" | "clock" | "payments">;

/**
 * The one way a charge becomes owed back: REFUND_PENDING and a refund request in the outbox, in the caller's
 * transaction, so the two commit together and refundPayment (or reconciliation) gives the money back. False when
 * another writer moved the row first.
 */
export async function oweChargeBack(
  tx: Prisma.TransactionClient,
  charge: { paymentId: number; orderId: string; from: readonly PaymentStatus[]; at: Date; failureCode?: string; failureMessage?: string },
) {
  const { paymentId, orderId, ...move } = charge;
  if (!(await moveAttempt(tx, paymentId, { ...move, to: "REFUND_PENDING" }))) return false;
  await enqueueEvent(tx, paymentRefundRequested, { orderId, paymentId });
  return true;
}

/**
 * Owes an order's approved charge back, in the transaction that moves the order out of its paid statuses (cancel,
 * return). Returns the payment id to refund, or null for an order that was never paid.
 */
export async function requestRefundOfOrderPayment(tx: Prisma.TransactionClient, orderId: string, now: Date) {
  const payment = await tx.payment.findFirst({ where: { orderId, status: "APPROVED" }, orderBy: { id: "desc" }, select: { id: true } });
  if (!payment) return null;
  await oweChargeBack(tx, { paymentId: payment.id, orderId, from: ["APPROVED"], at: now });
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
