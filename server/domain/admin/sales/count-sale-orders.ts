import type { Db } from "~/server/db.ts";
import { OrderStatus } from "~/server/generated/prisma/enums.ts";
import { SOLD_ORDER_STATUSES } from "~/server/domain/sales/sale-config.ts";

export type SaleOrderCounts = Record<OrderStatus, number> & {
  /** Units bought and not given back: paid, shipping, delivered, confirmed or with a return still pending. */
  sold: number;
};

/** A sale's orders by status from MySQL (the source of truth), every status present, zeros included. */
export async function countSaleOrders(db: Db, saleId: number): Promise<SaleOrderCounts> {
  const groups = await db.order.groupBy({ by: ["status"], where: { saleId }, _count: { _all: true } });
  const counts = Object.fromEntries(Object.values(OrderStatus).map((status) => [status, 0])) as Record<OrderStatus, number>;
  for (const group of groups) counts[group.status] = group._count._all;
  const sold = SOLD_ORDER_STATUSES.reduce((sum, status) => sum + counts[status], 0);
  return { ...counts, sold };
}
