import type { Clock } from "~/server/clock.ts";
import type { Db } from "~/server/db.ts";
import { logger } from "~/server/logger.ts";
import { resolvePaymentGateway } from "~/server/payments/gateway.ts";
import type { PaymentGateway } from "~/server/payments/types.ts";

type Deps = { db: Db; clock: Clock; payments?: PaymentGateway };

/**
 * Gives an approved payment's money back through the provider (cancel of its paymentKey), then flips the Payment row
 * APPROVED → REFUNDED with a compare-and-set. Idempotent end to end: the provider call carries a stable idempotency
 * key and treats "already cancelled" as done, and a refunded row is left alone. Throws when the provider cannot be
 * reached, so the outbox event that asked for it is retried later.
 */
export async function refundPayment(deps: Deps, input: { paymentId: number }) {
  const payment = await deps.db.payment.findUnique({
    where: { id: input.paymentId },
    select: { id: true, orderId: true, paymentKey: true, provider: true, status: true, amount: true },
  });
  if (!payment || payment.status !== "APPROVED") return { refunded: false };

  const gateway = resolvePaymentGateway(deps);
  const result = await gateway.cancel({ paymentKey: payment.paymentKey, reason: "구매자 주문 취소/반품", idempotencyKey: `refund-${payment.id}` });
  if (result.outcome === "NOT_FOUND") {
    // The provider never captured it; there is nothing to give back, but the row must not stay "approved".
    logger.error({ paymentId: payment.id, orderId: payment.orderId }, "refund: provider has no such payment");
  }
  const { count } = await deps.db.payment.updateMany({
    where: { id: payment.id, status: "APPROVED" },
    data: { status: "REFUNDED", refundedAt: deps.clock.now() },
  });
  return { refunded: count === 1 };
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
