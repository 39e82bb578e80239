
import type { DepsOf } from "~/server/deps.ts";
import { orderCancelled } from "~/server/domain/events.ts";
import { syncSaleOrderAfterCommit } from "~/server/domain/orders/release-order-units.ts";
import { enqueueEvent } from "~/server/domain/outbox/enqueue-event.ts";
import { PAID_ORDER_STATUSES } from "~/server/domain/payments/ledger.ts";
import { refundPaymentSoon, requestRefundOfOrderPayment } from "~/server/domain/payments/refund-payment.ts";
import { saleChangedTags } from "~/server/domain/public-pages.ts";
import { countSaleUnitSold } from "~/server/domain/sales/sale-order-hooks.ts";
import { logger } from "~/server/logger.ts";

type Deps = DepsOf<"db" | "redis" | "clock" | "payments" | "saleEngine" | "invalidatePublicPages">;
type PaidOrder = { id: string; userId: string; saleId: number | null };

/** A crash between a payment's commit and its count leaves the unit uncounted this long before the sweep counts it. */
const UNCOUNTED_GRACE_MS = 5_000;

/**
 * After an order's payment commits: a sale order's unit is counted in Sale.soldCount (one guarded statement) and
 * Redis learns the hold is sold. If MySQL's guard refuses the count, the sale already has as many paid units as its
 * quantity: this order can never be kept, so it is cancelled and refunded. The unit that sells the sale out drops its
 * cached pages.
 */
export async function finishPaidOrder(deps: Deps, order: PaidOrder) {
  if (order.saleId === null) return;
  const counted = await countSaleUnitSold(deps.db, { id: order.id, saleId: order.saleId }, deps.clock.now());
  if (counted === "sale-full") {
    await revokeOversoldSaleOrder(deps, order);
    return;
  }
  if (counted === "counted-last") deps.invalidatePublicPages(saleChangedTags(order.saleId));
  await syncSaleOrderAfterCommit(deps, order, "paid");
}

const OVERSOLD_REASON = "판매 수량 초과로 자동 취소 (결제 금액은 환불됩니다)";

async function revokeOversoldSaleOrder(deps: Deps, order: PaidOrder) {
  const now = deps.clock.now();
  const revoked = await deps.db.$transaction(async (tx) => {
    const { count } = await tx.order.updateMany({
      where: { id: order.id, status: { in: [...PAID_ORDER_STATUSES] }, soldCountedAt: null, stockReleasedAt: null },
      data: { status: "CANCELLED", cancelledAt: now, cancelReason: OVERSOLD_REASON, dueAt: null, stockReleasedAt: now },
    });
    if (count === 0) return null;
    const paymentId = await requestRefundOfOrderPayment(tx, order.id, now);
    await enqueueEvent(tx, orderCancelled, { orderId: order.id });
    return { paymentId };
  });
  if (!revoked) return;
  logger.error({ orderId: order.id, saleId: order.saleId }, "paid sale order refused by the sold-count guard: cancelled and refunded");
  await syncSaleOrderAfterCommit(deps, order, "released");
  await refundPaymentSoon(deps, revoked.paymentId);
}

/**
 * Due operation "count-paid-sale-units": paid sale orders whose count a crash interrupted. It runs every few seconds,
 * so it only looks at orders still waiting to ship (status PAID, dueAt = ship time ahead): the (status, dueAt) index
 * keeps that to the last day's payments instead of every sale order ever placed.
 */
export async function countPaidSaleUnits(deps: Deps, options: { batchSize?: number } = {}) {
  const now = deps.clock.now();
  const uncounted = await deps.db.order.findMany({
    where: {
      status: "PAID",
      dueAt: { gt: now },
      saleId: { not: null },
      soldCountedAt: null,
      paidAt: { lte: new Date(now.getTime() - UNCOUNTED_GRACE_MS) },
    },
    orderBy: { paidAt: "asc" },
    take: options.batchSize ?? 500,
    select: { id: true, userId: true, saleId: true },
  });
  for (const order of uncounted) await finishPaidOrder(deps, order);
  return { processed: uncounted.length };
}
