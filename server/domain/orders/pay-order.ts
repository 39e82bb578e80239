import type { Redis } from "@upstash/redis";
import { z } from "zod";

import type { Clock } from "~/server/clock.ts";
import type { Db } from "~/server/db.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { addressIdInput, hasAddressSnapshot, loadAddressSnapshot, type AddressSnapshot } from "~/server/domain/orders/address-snapshot.ts";
import { ORDER_EVENTS } from "~/server/domain/orders/order-events.ts";
import { addMs, orderTimings } from "~/server/domain/orders/order-timing.ts";
import { syncSaleOrderAfterCommit } from "~/server/domain/orders/release-order-units.ts";
import { enqueueEvent } from "~/server/domain/outbox/enqueue-event.ts";
import { recordSaleUnitSold } from "~/server/domain/sales/sale-order-hooks.ts";
import type { Prisma } from "~/server/generated/prisma/client.ts";
import type { PaymentStatus } from "~/server/generated/prisma/enums.ts";
import { logger } from "~/server/logger.ts";
import { resolvePaymentGateway } from "~/server/payments/gateway.ts";
import { PaymentUnavailableError, type PaymentGateway } from "~/server/payments/types.ts";

export const payOrderInput = z.object({
  orderId: z.string().min(1).max(32),
  /** Issued to the browser by the provider's widget (our pay page mints one per attempt, as the widget would). */
  paymentKey: z.string().regex(/^[\w-]{8,180}$/, "잘못된 결제 정보입니다."),
  /** The amount the buyer saw; checked against the order, never used to charge. */
  amount: z.number().int().positive().max(2_147_483_647),
  /**
   * Where to ship an order placed without an address (a flash-sale win is one click, so the buyer picks it here).
   * Orders that already carry their checkout address refuse it: that address is fixed once the order is placed.
   */
  addressId: addressIdInput.optional(),
});
export type PayOrderInput = z.infer<typeof payOrderInput>;

type Deps = { db: Db; redis: Redis; clock: Clock; payments?: PaymentGateway };
type Tx = Prisma.TransactionClient;

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

/**
 * Confirms a payment for the caller's PENDING_PAYMENT order, Toss-style: the amount is checked against the order,
 * then the provider confirms (paymentKey, orderId, amount) through the resilient gateway, then the order is marked
 * PAID with a compare-and-set on (status, deadline). Every attempt is recorded in Payment.
 * - declined: Payment DECLINED, the order stays payable until its deadline (PAYMENT_DECLINED);
 * - provider slow/down or circuit open: UNAVAILABLE, the order stays held; retrying with the same paymentKey is safe;
 * - approved but the order can no longer take it (deadline passed meanwhile): the charge is refunded at once
 *   (or queued for refund) and the buyer is told so.
 * An order without a shipping address (a flash-sale hold) is paid only together with one of the buyer's own
 * addresses: it is checked before the provider is called, and its snapshot is written in the same transaction as the
 * PAID compare-and-set, so no paid order is ever without somewhere to ship.
 */
export async function payOrder(deps: Deps, input: PayOrderInput & { userId: string }) {
  const gateway = resolvePaymentGateway(deps);
  const order = await deps.db.order.findFirst({ where: { id: input.orderId, userId: input.userId }, select: payableOrderSelect });
  if (!order) throw new DomainError("NOT_FOUND", "주문을 찾을 수 없습니다.");

  if (order.status !== "PENDING_PAYMENT") {
    if (await isPaidWithKey(deps.db, order.id, input.paymentKey)) return paidResult(order);
    throw notPayableError(order.status);
  }
  if (order.paymentDueAt.getTime() <= deps.clock.now().getTime()) {
    throw new DomainError("INVALID_STATE", "결제 기한이 지났습니다. 주문이 곧 만료되며 재고는 반환됩니다.");
  }
  const address = await resolveShippingAddress(deps.db, order, input);
  if (input.amount !== order.totalAmount) {
    logger.warn({ orderId: order.id, expected: order.totalAmount, received: input.amount }, "payment amount mismatch rejected");
    await recordAttempt(deps.db, { order, gateway, paymentKey: input.paymentKey, amount: input.amount, status: "FAILED", failureCode: "AMOUNT_MISMATCH", failureMessage: "결제 금액 불일치" });
    throw new DomainError("CONFLICT", "결제 금액이 주문 금액과 일치하지 않습니다. 페이지를 새로고침한 뒤 다시 시도해 주세요.");
  }

  let result;
  try {
    result = await gateway.confirm({ paymentKey: input.paymentKey, orderId: order.id, amount: order.totalAmount });
  } catch (error) {
    if (!(error instanceof PaymentUnavailableError)) throw error;
    // The circuit was open: nothing was sent, so there is nothing to record. Otherwise the outcome is unknown.
    if (error.reason !== "circuit-open") {
      await recordAttempt(deps.db, { order, gateway, paymentKey: input.paymentKey, amount: order.totalAmount, status: "FAILED", failureCode: error.reason.toUpperCase(), failureMessage: error.message });
    }
    logger.warn({ orderId: order.id, reason: error.reason }, "payment provider unavailable");
    throw new DomainError("UNAVAILABLE", UNAVAILABLE_MESSAGE, { retryAfterS: error.retryAfterS ?? 3, cause: error });
  }

  if (result.outcome === "DECLINED") {
    await recordAttempt(deps.db, { order, gateway, paymentKey: input.paymentKey, amount: order.totalAmount, status: "DECLINED", failureCode: result.code, failureMessage: result.message });
    throw new DomainError("PAYMENT_DECLINED", `결제가 거절되었습니다: ${result.message} 다른 카드로 다시 시도해 주세요.`, { details: { code: result.code } });
  }

  if (result.amount !== order.totalAmount) {
    // The provider charged something else than asked: never accept it as payment for this order.
    logger.error({ orderId: order.id, expected: order.totalAmount, charged: result.amount }, "provider approved a different amount; refunding");
    await compensate(deps, gateway, { order, paymentKey: input.paymentKey, approvedAt: result.approvedAt, amount: result.amount });
    throw new DomainError("CONFLICT", "결제 금액이 주문 금액과 달라 결제를 취소했습니다. 다시 시도해 주세요.");
  }

  let isMarkedPaid: boolean;
  try {
    isMarkedPaid = await deps.db.$transaction((tx) => markPaid(tx, deps, { order, gateway, paymentKey: input.paymentKey, approvedAt: result.approvedAt, address }));
  } catch (error) {
    await compensate(deps, gateway, { order, paymentKey: input.paymentKey, approvedAt: result.approvedAt, amount: order.totalAmount });
    throw error;
  }

  if (!isMarkedPaid) {
    // A concurrent request with the same paymentKey (double click) won the race: that is success, not a second charge.
    if (await isPaidWithKey(deps.db, order.id, input.paymentKey)) return paidResult(await reload(deps.db, order.id));
    await compensate(deps, gateway, { order, paymentKey: input.paymentKey, approvedAt: result.approvedAt, amount: order.totalAmount });
    throw new DomainError("INVALID_STATE", "결제 기한이 지나 주문이 만료되어 승인된 결제를 취소(환불)했습니다. 다시 주문해 주세요.");
  }

  await syncSaleOrderAfterCommit(deps, order, "paid");
  return paidResult(await reload(deps.db, order.id));
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

/**
 * The compare-and-set that turns a hold into a sale; false when the order is no longer payable. An order paid with
 * a chosen address gets its snapshot in this same update, so "PAID" and "has an address" commit together.
 */
async function markPaid(
  tx: Tx,
  deps: Deps,
  attempt: { order: PayableOrder; gateway: PaymentGateway; paymentKey: string; approvedAt: Date; address: AddressSnapshot | null },
) {
  const now = deps.clock.now();
  const { order } = attempt;
  const { count } = await tx.order.updateMany({
    where: { id: order.id, status: "PENDING_PAYMENT", paymentDueAt: { gt: now } },
    data: { status: "PAID", paidAt: now, dueAt: addMs(now, orderTimings.shipAfterMs), ...attempt.address },
  });
  if (count === 0) return false;

  if (order.saleId !== null) await recordSaleUnitSold(tx, { id: order.id, saleId: order.saleId });
  await recordAttempt(tx, { order, gateway: attempt.gateway, paymentKey: attempt.paymentKey, amount: order.totalAmount, status: "APPROVED", approvedAt: attempt.approvedAt });
  await enqueueEvent(tx, ORDER_EVENTS.paid, { orderId: order.id });
  return true;
}

/**
 * The provider took money the order cannot accept: give it back now. If the refund cannot be made right now, the
 * approval is recorded and a refund is queued in the outbox, which retries it until the provider answers.
 */
async function compensate(deps: Deps, gateway: PaymentGateway, approval: { order: PayableOrder; paymentKey: string; approvedAt: Date; amount: number }) {
  const { order, paymentKey } = approval;
  try {
    const refund = await gateway.cancel({ paymentKey, reason: "주문 결제 불가로 자동 취소", idempotencyKey: `compensate-${paymentKey}` });
    await recordAttempt(deps.db, {
      order,
      gateway,
      paymentKey,
      amount: approval.amount,
      status: "REFUNDED",
      approvedAt: approval.approvedAt,
      refundedAt: deps.clock.now(),
      failureCode: refund.outcome === "NOT_FOUND" ? "NOT_CAPTURED" : "ORDER_NOT_PAYABLE",
      failureMessage: "주문 결제 불가로 자동 취소",
    });
    logger.warn({ orderId: order.id, paymentKey }, "approved payment refunded because the order could not take it");
  } catch (error) {
    logger.error({ orderId: order.id, paymentKey, err: error }, "compensating refund failed; queued for retry");
    await deps.db.$transaction(async (tx) => {
      const payment = await recordAttempt(tx, { order, gateway, paymentKey, amount: approval.amount, status: "APPROVED", approvedAt: approval.approvedAt, failureCode: "ORDER_NOT_PAYABLE" });
      await enqueueEvent(tx, ORDER_EVENTS.refundRequested, { orderId: order.id, paymentId: payment.id });
    });
  }
}

type AttemptRecord = {
  order: { id: string };
  gateway: PaymentGateway;
  paymentKey: string;
  amount: number;
  status: PaymentStatus;
  failureCode?: string;
  failureMessage?: string;
  approvedAt?: Date;
  refundedAt?: Date;
};

/**
 * One Payment row per paymentKey (the provider's identity of an attempt): a retry of the same attempt updates it.
 * A key that belongs to another order is refused rather than overwritten.
 */
async function recordAttempt(db: Db | Tx, record: AttemptRecord) {
  const data = {
    amount: record.amount,
    status: record.status,
    failureCode: record.failureCode?.slice(0, 64) ?? null,
    failureMessage: record.failureMessage?.slice(0, 191) ?? null,
    approvedAt: record.approvedAt ?? null,
    refundedAt: record.refundedAt ?? null,
  };
  const key = { provider_paymentKey: { provider: record.gateway.name, paymentKey: record.paymentKey } };
  const existing = await db.payment.findUnique({ where: key, select: { orderId: true } });
  if (existing && existing.orderId !== record.order.id) throw new DomainError("CONFLICT", "이미 다른 주문에 사용된 결제 정보입니다.");
  return db.payment.upsert({
    where: key,
    create: { orderId: record.order.id, provider: record.gateway.name, paymentKey: record.paymentKey, ...data },
    update: data,
    select: { id: true },
  });
}

async function isPaidWithKey(db: Db, orderId: string, paymentKey: string) {
  const payment = await db.payment.findFirst({ where: { orderId, paymentKey, status: "APPROVED", failureCode: null }, select: { id: true } });
  return payment !== null;
}

function reload(db: Db, orderId: string) {
  return db.order.findUniqueOrThrow({ where: { id: orderId }, select: payableOrderSelect });
}

function paidResult(order: PayableOrder) {
  return { orderId: order.id, status: order.status, paidAt: order.paidAt, totalAmount: order.totalAmount };
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
