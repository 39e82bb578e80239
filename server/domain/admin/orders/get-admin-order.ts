import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import { auditEntrySelect } from "~/server/domain/admin/audit-log.ts";
import { adminOrderDetailSelect } from "~/server/domain/admin/orders/select.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { CANCELLABLE_STATUSES } from "~/server/domain/orders/cancel-order.ts";

export const adminOrderIdInput = z.object({ id: z.string().trim().min(1).max(32) });

/** Any buyer's order with its payments and the admin actions taken on it. */
export async function getAdminOrder(deps: DepsOf<"db">, input: z.infer<typeof adminOrderIdInput>) {
  const order = await deps.db.order.findUnique({ where: { id: input.id }, select: adminOrderDetailSelect });
  if (!order) throw new DomainError("NOT_FOUND", "주문을 찾을 수 없습니다.");
  const audit = await deps.db.auditLog.findMany({
    where: { targetType: "ORDER", targetId: order.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 20,
    select: auditEntrySelect,
  });
  return { ...order, canCancel: CANCELLABLE_STATUSES.includes(order.status), audit };
}
