
import type { DepsOf } from "~/server/deps.ts";
import { announceReleasedUnits, releaseOrderUnits } from "~/server/domain/orders/release-order-units.ts";
import { releasableOrderSelect } from "~/server/domain/orders/select.ts";

type Deps = DepsOf<"db" | "redis" | "clock" | "saleEngine" | "invalidatePublicPages">;

/**
 * PENDING_PAYMENT → EXPIRED once the payment deadline has passed, giving the held units back. The compare-and-set
 * on (status, deadline, stockReleasedAt) is the only gate: a concurrent cancel, payment or second expiry of the same
 * order finds nothing to change, so stock returns exactly once. Returns whether this call expired the order.
 */
export async function expireOrder(deps: Deps, input: { orderId: string }) {
  const now = deps.clock.now();
  const expired = await deps.db.$transaction(async (tx) => {
    const order = await tx.order.findUnique({ where: { id: input.orderId }, select: { ...releasableOrderSelect, paymentDueAt: true } });
    if (!order || order.status !== "PENDING_PAYMENT" || order.paymentDueAt > now) return null;

    const { count } = await tx.order.updateMany({
      where: { id: order.id, status: "PENDING_PAYMENT", paymentDueAt: { lte: now }, stockReleasedAt: null },
      data: { status: "EXPIRED", expiredAt: order.paymentDueAt, dueAt: null, stockReleasedAt: now },
    });
    if (count === 0) return null;
    return { order, released: await releaseOrderUnits(tx, order, { wasPaid: false }) };
  });
  if (!expired) return false;

  await announceReleasedUnits(deps, expired.order, expired.released);
  return true;
}

/** Due operation "expire-unpaid-orders": every unpaid order whose deadline has passed. */
export async function expireUnpaidOrders(deps: Deps, options: { batchSize?: number } = {}) {
  const due = await deps.db.order.findMany({
    where: { status: "PENDING_PAYMENT", paymentDueAt: { lte: deps.clock.now() } },
    orderBy: { paymentDueAt: "asc" },
    take: options.batchSize ?? 500,
    select: { id: true },
  });
  let processed = 0;
  for (const order of due) {
    if (await expireOrder(deps, { orderId: order.id })) processed += 1;
  }
  return { processed };
}
