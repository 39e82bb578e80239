import { z } from "zod";

import { decryptPii, type PiiKeyring } from "~/server/crypto/pii.ts";
import type { DepsOf } from "~/server/deps.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { CANCELLABLE_STATUSES } from "~/server/domain/orders/cancel-order.ts";
import { orderDetailSelect } from "~/server/domain/orders/select.ts";
import { getSaleReadiness } from "~/server/domain/sales/sale-readiness.ts";
import type { Prisma } from "~/server/generated/prisma/client.ts";

export const getOrderInput = z.object({ id: z.string().min(1).max(32) });
export type GetOrderInput = z.infer<typeof getOrderInput>;

type OrderRow = Prisma.OrderGetPayload<{ select: typeof orderDetailSelect }>;

export type TimelineStep = "PLACED" | "PAID" | "SHIPPING" | "DELIVERED" | "CONFIRMED" | "EXPIRED" | "CANCELLED" | "RETURN_REQUESTED" | "RETURNED" | "REFUNDED";

function timeline(order: OrderRow, refundedAt: Date | null) {
  const steps: Array<{ step: TimelineStep; at: Date | null }> = [
    { step: "PLACED", at: order.createdAt },
    { step: "PAID", at: order.paidAt },
    { step: "SHIPPING", at: order.shippedAt },
    { step: "DELIVERED", at: order.deliveredAt },
    { step: "RETURN_REQUESTED", at: order.returnRequestedAt },
    { step: "RETURNED", at: order.returnedAt },
    { step: "CONFIRMED", at: order.confirmedAt },
    { step: "EXPIRED", at: order.expiredAt },
    { step: "CANCELLED", at: order.cancelledAt },
    { step: "REFUNDED", at: refundedAt },
  ];
  return steps.filter((entry): entry is { step: TimelineStep; at: Date } => entry.at !== null).sort((a, b) => a.at.getTime() - b.at.getTime());
}

function shippingAddress(order: OrderRow, keyring: PiiKeyring) {
  if (!order.recipientEnc || !order.phoneEnc || !order.postalCodeEnc || !order.address1Enc) return null;
  return {
    recipient: decryptPii(order.recipientEnc, keyring),
    phone: decryptPii(order.phoneEnc, keyring),
    postalCode: decryptPii(order.postalCodeEnc, keyring),
    address1: decryptPii(order.address1Enc, keyring),
    address2: order.address2Enc ? decryptPii(order.address2Enc, keyring) : null,
  };
}

/**
 * One of the caller's orders, with its timeline and what the buyer may do now. Someone else's order answers
 * NOT_FOUND, exactly like a missing one. The allowed actions are computed here with the server clock, so the page
 * shows a button only when the matching operation would accept it.
 */
export async function getOrder(deps: DepsOf<"db" | "clock" | "config">, input: GetOrderInput & { userId: string }) {
  const order = await deps.db.order.findFirst({ where: { id: input.id, userId: input.userId }, select: orderDetailSelect });
  if (!order) throw new DomainError("NOT_FOUND", "주문을 찾을 수 없습니다.");

  const now = deps.clock.now();
  // The charge that was this order's payment: approved, owed back or refunded (a duplicate charge refunded at once
  // never paid the order and carries ORDER_NOT_PAYABLE).
  const approved = order.payments.find(
    (payment) => payment.approvedAt !== null && payment.failureCode !== "ORDER_NOT_PAYABLE" && ["APPROVED", "REFUND_PENDING", "REFUNDED"].includes(payment.status),
  );
  const refunded = approved?.status === "REFUNDED" ? approved : undefined;
  const isRefundDue = order.status === "CANCELLED" || order.status === "RETURNED";
  const { recipientEnc: _recipient, phoneEnc: _phone, postalCodeEnc: _postal, address1Enc: _address1, address2Enc: _address2, payments, ...rest } = order;
  const address = shippingAddress(order, deps.config.pii);
  // A sale win still to be shipped somewhere: the address the buyer picked before the drop, for the pay page to preselect.
  const preparedAddressId =
    order.status === "PENDING_PAYMENT" && order.saleId !== null && address === null ? (await getSaleReadiness(deps, { userId: input.userId, saleId: order.saleId })).addressId : null;

  return {
    ...rest,
    shippingAddress: address,
    preparedAddressId,
    payments: payments.map((payment) => ({ id: payment.id, status: payment.status, amount: payment.amount, failureMessage: payment.failureMessage, createdAt: payment.createdAt })),
    timeline: timeline(order, refunded?.refundedAt ?? null),
    refund: approved && isRefundDue ? { amount: approved.amount, refundedAt: refunded?.refundedAt ?? null } : null,
    canPay: order.status === "PENDING_PAYMENT" && order.paymentDueAt > now,
    canCancel: CANCELLABLE_STATUSES.includes(order.status),
    canRequestReturn: order.status === "DELIVERED" && order.dueAt !== null && order.dueAt > now,
    returnDeadline: order.status === "DELIVERED" ? order.dueAt : null,
    serverTime: now,
  };
}
