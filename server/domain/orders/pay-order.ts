import { z } from "zod";

import type { Db } from "~/server/db.ts";
import type { DepsOf } from "~/server/deps.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { paymentAmountField } from "~/server/domain/input-rules.ts";
import { addressIdInput, hasAddressSnapshot, loadAddressSnapshot, type AddressSnapshot } from "~/server/domain/orders/address-snapshot.ts";
import { applyCapturedCharge, refundUnusableCharge } from "~/server/domain/payments/apply-captured-charge.ts";
import { admitPayment, discardUnsentAttempt, findLedgerRow, isPaidOrderStatus, moveAttempt, openAttempt, type LedgerRow } from "~/server/domain/payments/ledger.ts";
import type { Prisma } from "~/server/generated/prisma/client.ts";
import type { PaymentStatus } from "~/server/generated/prisma/enums.ts";
import { logger } from "~/server/logger.ts";
import { PaymentProtocolError, PaymentUnavailableError, type ConfirmPaymentResult, type PaymentGateway } from "~/server/payments/types.ts";

export const payOrderInput = z.object({
  orderId: z.string().min(1).max(32),
  /** Issued to the browser by the provider's widget (our pay page mints one per attempt, as the widget would). */
  paymentKey: z.string().regex(/^[\w-]{8,180}$/, "잘못된 결제 정보입니다."),
  /** The amount the buyer saw; checked against the order, never used to charge. */
  amount: paymentAmountField,
  /**
   * Where to ship an order placed without an address (a flash-sale win is one click, so the buyer picks it here).
   * Orders that already carry their checkout address refuse it: that address is fixed once the order is placed.
   */
  addressId: addressIdInput.optional(),
});
export type PayOrderInput = z.infer<typeof payOrderInput>;

type Deps = DepsOf<"db" | "redis" | "clock" | "payments" | "config" | "saleEngine" | "invalidatePublicPages">;

const payableOrderSelect = {
  id: true,
  userId: true,
  saleId: true,
  status: true,
  totalAmount: true,
  paymentDueAt: true,
  paidAt: true,
  recipientEnc: true,
  phoneEnc: true,
  postalCodeEnc: true,
  address1Enc: true,
} satisfies Prisma.OrderSelect;
type PayableOrder = Prisma.OrderGetPayload<{ select: typeof payableOrderSelect }>;

const UNAVAILABLE_MESSAGE = "결제 서비스가 일시적으로 원활하지 않습니다. 잠시 후 다시 시도해 주세요. 주문은 결제 기한까지 유지됩니다.";
const CONFIRMING_MESSAGE = "결제 승인을 확인하고 있습니다. 잠시 후 다시 시도해 주세요. 같은 결제가 두 번 청구되지 않습니다.";

/**
 * Confirms a payment for the caller's PENDING_PAYMENT order, Toss-style, through the payment ledger
 * (server/domain/payments/ledger.ts):
 * 1. The order is checked (status, deadline, amount, shipping address) before any money moves.
 * 2. The attempt is recorded PENDING under its paymentKey before the provider is called. A key that belongs to
 *    another order is refused there, without touching that order's charge; a key whose attempt already ended
 *    (declined, failed, refunded) is refused too: a fresh attempt needs a fresh key.
 * 3. The provider confirms (paymentKey, orderId, amount). A retry of an attempt whose answer was lost first asks the
 *    provider what it holds now (GET /v1/payments/{key}), so a replayed approval of a cancelled charge is never
 *    taken as payment.
 * 4. A captured charge becomes the order's payment in one short transaction, or is owed back when the order can no
 *    longer take it (applyCapturedCharge).
 * Whenever the outcome is unknown (provider slow or down, our database busy), the row stays PENDING and the buyer is
 * told to retry with the same key (503); nothing is cancelled on a guess, and reconciliation settles what the buyer
 * does not come back for.
 */
export function payOrder(deps: Deps, input: PayOrderInput & { userId: string }) {
  return admitPayment(deps.db, () => payOrderNow(deps, input));
}

async function payOrderNow(deps: Deps, input: PayOrderInput & { userId: string }) {
  const gateway = deps.payments;
  const order = await deps.db.order.findFirst({ where: { id: input.orderId, userId: input.userId }, select: payableOrderSelect });
  if (!order) throw new DomainError("NOT_FOUND", "주문을 찾을 수 없습니다.");
  const ledgerKey = { provider: gateway.name, paymentKey: input.paymentKey };

  if (order.status !== "PENDING_PAYMENT") {
    const row = await findLedgerRow(deps.db, ledgerKey);
    if (row?.orderId === order.id && row.status === "APPROVED") return paidResult(order.id, order.paidAt, order.totalAmount);
    throw notPayableError(order.status);
  }
  if (order.paymentDueAt.getTime() <= deps.clock.now().getTime()) {
    throw new DomainError("INVALID_STATE", "결제 기한이 지났습니다. 주문이 곧 만료되며 재고는 반환됩니다.");
  }
  const address = await resolveShippingAddress(deps.db, order, input);

  const { row, isNew } = await openAttempt(deps, { ...ledgerKey, orderId: order.id, amount: input.amount, addressId: input.addressId ?? null });
  if (row.orderId !== order.id) {
    logger.warn({ orderId: order.id, ownerOrderId: row.orderId }, "paymentKey of another order refused");
    throw new DomainError("CONFLICT", "이미 다른 주문에 사용된 결제 정보입니다.");
  }
  if (row.status === "APPROVED") return paidResult(order.id, row.approvedAt, order.totalAmount);
  if (row.status !== "PENDING") throw endedAttemptError(row.status);

  if (input.amount !== order.totalAmount) {
    logger.warn({ orderId: order.id, expected: order.totalAmount, received: input.amount }, "payment amount mismatch rejected");
    // Only a row this call opened is closed: an earlier PENDING try of the key may hold a real charge.
    if (isNew) await moveAttempt(deps.db, row.id, { from: ["PENDING"], to: "FAILED", at: deps.clock.now(), failureCode: "AMOUNT_MISMATCH", failureMessage: "결제 금액 불일치" });
    throw new DomainError("CONFLICT", "결제 금액이 주문 금액과 일치하지 않습니다. 페이지를 새로고침한 뒤 다시 시도해 주세요.");
  }

  const answer = await askProvider(deps, gateway, { row, isNew, order });
  if (answer.outcome === "DECLINED") {
    await moveAttempt(deps.db, row.id, { from: ["PENDING"], to: "DECLINED", at: deps.clock.now(), failureCode: answer.code, failureMessage: answer.message });
    throw new DomainError("PAYMENT_DECLINED", `결제가 거절되었습니다: ${answer.message} 다른 카드로 다시 시도해 주세요.`, { details: { code: answer.code } });
  }
  if (answer.outcome === "CANCELLED") {
    await moveAttempt(deps.db, row.id, { from: ["PENDING"], to: "REFUNDED", at: deps.clock.now(), failureCode: "CANCELLED_AT_PROVIDER", refundedAt: deps.clock.now() });
    throw endedAttemptError("REFUNDED");
  }
  if (answer.amount !== order.totalAmount) {
    // The provider charged something else than asked: never accept it as payment for this order.
    logger.error({ orderId: order.id, expected: order.totalAmount, charged: answer.amount }, "provider approved a different amount; refunding");
    await refundUnusableCharge(deps, { paymentId: row.id, orderId: order.id, failureCode: "AMOUNT_MISMATCH" });
    throw new DomainError("CONFLICT", "결제 금액이 주문 금액과 달라 결제를 취소했습니다. 다시 시도해 주세요.");
  }

  let applied;
  try {
    applied = await applyCapturedCharge(deps, { paymentId: row.id, approvedAt: answer.approvedAt, order, address });
  } catch (error) {
    // The charge is captured and recorded PENDING: a retry with the same key (or reconciliation) finishes it.
    logger.warn({ orderId: order.id, paymentId: row.id, err: error }, "captured charge not applied yet; left for a retry or reconciliation");
    throw new DomainError("UNAVAILABLE", CONFIRMING_MESSAGE, { retryAfterS: 2, cause: error });
  }
  switch (applied.outcome) {
    case "PAID":
      return paidResult(order.id, applied.paidAt, order.totalAmount);
    case "NOT_PAYABLE": {
      const current = await deps.db.order.findUniqueOrThrow({ where: { id: order.id }, select: { status: true } });
      if (isPaidOrderStatus(current.status)) throw new DomainError("INVALID_STATE", "이미 결제가 완료된 주문입니다. 이번에 승인된 금액은 취소(환불)했습니다.");
      throw new DomainError("INVALID_STATE", "결제 기한이 지나 주문이 만료되어 승인된 결제를 취소(환불)했습니다. 다시 주문해 주세요.");
    }
    case "SETTLED_ELSEWHERE": {
      // A concurrent request with the same key (double click) or reconciliation got there first.
      const settled = await findLedgerRow(deps.db, ledgerKey);
      if (settled?.status === "APPROVED") return paidResult(order.id, settled.approvedAt, order.totalAmount);
      throw endedAttemptError(settled?.status ?? "FAILED");
    }
  }
}

/**
 * The provider's answer for this attempt. A first try confirms. A retry of an attempt whose answer was lost asks
 * the provider what it holds first: a captured charge is the answer, a cancelled one ends the attempt, and only
 * when it holds nothing is the confirm sent again (same idempotency key, so an in-flight original is joined, not
 * doubled). "Unknown" answers become 503 with the row left PENDING.
 */
async function askProvider(deps: Deps, gateway: PaymentGateway, attempt: { row: LedgerRow; isNew: boolean; order: PayableOrder }): Promise<ConfirmPaymentResult> {
  const { row, order } = attempt;
  try {
    if (!attempt.isNew) {
      const held = await gateway.lookUp(row.paymentKey);
      if (held?.status === "CANCELED") return { outcome: "CANCELLED" };
      if (held?.status === "DONE") {
        if (held.orderId !== order.id) return { outcome: "DECLINED", code: "ORDER_MISMATCH", message: "다른 주문의 결제입니다." };
        return { outcome: "APPROVED", approvedAt: held.approvedAt, amount: held.amount };
      }
    }
    return await gateway.confirm({ paymentKey: row.paymentKey, orderId: order.id, amount: order.totalAmount });
  } catch (error) {
    if (error instanceof PaymentProtocolError) {
      await moveAttempt(deps.db, row.id, { from: ["PENDING"], to: "FAILED", at: deps.clock.now(), failureCode: error.code, failureMessage: error.message });
      throw error;
    }
    if (!(error instanceof PaymentUnavailableError)) throw error;
    // An open circuit sent nothing: a brand-new row is forgotten so the same key can simply be tried again.
    if (error.reason === "circuit-open" && attempt.isNew) await discardUnsentAttempt(deps.db, row.id);
    logger.warn({ orderId: order.id, paymentId: row.id, reason: error.reason }, "payment provider unavailable; attempt left pending");
    throw new DomainError("UNAVAILABLE", UNAVAILABLE_MESSAGE, { retryAfterS: error.retryAfterS ?? 3, cause: error });
  }
}

/**
 * The address snapshot to write with the payment: null when the order already has one (checkout orders), the
 * caller's chosen address otherwise. Checked before any money moves, so a refusal here charges nothing.
 */
async function resolveShippingAddress(db: Db, order: PayableOrder, input: { userId: string; addressId?: number }): Promise<AddressSnapshot | null> {
  if (hasAddressSnapshot(order)) {
    if (input.addressId !== undefined) throw new DomainError("INVALID_INPUT", "이 주문은 주문할 때 선택한 배송지로 배송됩니다. 결제할 때 배송지를 바꿀 수 없습니다.");
    return null;
  }
  if (input.addressId === undefined) throw new DomainError("INVALID_INPUT", "배송지를 선택해 주세요.", { details: { field: "addressId" } });
  return loadAddressSnapshot(db, { userId: input.userId, addressId: input.addressId });
}

function paidResult(orderId: string, paidAt: Date | null, totalAmount: number) {
  return { orderId, status: "PAID" as const, paidAt, totalAmount };
}

/** A paymentKey names one attempt; once it has ended, paying again needs a fresh one (the pay page mints it). */
function endedAttemptError(status: PaymentStatus) {
  if (status === "DECLINED") return new DomainError("PAYMENT_DECLINED", "거절된 결제입니다. 다시 결제해 주세요.");
  return new DomainError("CONFLICT", "이미 종료된 결제 시도입니다. 승인된 금액이 있었다면 환불되었습니다. 다시 결제해 주세요.");
}

function notPayableError(status: string) {
  switch (status) {
    case "EXPIRED":
      return new DomainError("INVALID_STATE", "결제 시간이 만료된 주문입니다. 다시 주문해 주세요.");
    case "CANCELLED":
      return new DomainError("INVALID_STATE", "취소된 주문입니다.");
    default:
      return new DomainError("INVALID_STATE", "이미 결제가 완료된 주문입니다.");
  }
}
