import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import { recordAudit } from "~/server/domain/admin/audit-log.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { cancelOrder } from "~/server/domain/orders/cancel-order.ts";
import { logger } from "~/server/logger.ts";

export const cancelOrderAsAdminInput = z.object({
  id: z.string().trim().min(1).max(32),
  reason: z.string({ error: "취소 사유를 입력해 주세요." }).trim().min(2, "취소 사유를 2자 이상 입력해 주세요.").max(150, "취소 사유는 150자 이하로 입력해 주세요."),
});
export type CancelOrderAsAdminInput = z.infer<typeof cancelOrderAsAdminInput>;

type Deps = DepsOf<"db" | "redis" | "clock" | "payments" | "saleEngine" | "invalidatePublicPages">;

/**
 * An admin cancels any buyer's order before it ships, with a reason. The lifecycle is the buyer's own cancel
 * (cancelOrder: compare-and-set, units back, refund of a paid order through the outbox), run on the owner's
 * behalf; this wrapper only finds the owner and writes the audit entry.
 */
export async function cancelOrderAsAdmin(deps: Deps, input: CancelOrderAsAdminInput & { actorId: string }) {
  const order = await deps.db.order.findUnique({ where: { id: input.id }, select: { userId: true, status: true, saleId: true } });
  if (!order) throw new DomainError("NOT_FOUND", "주문을 찾을 수 없습니다.");

  const result = await cancelOrder(deps, { id: input.id, userId: order.userId, reason: `관리자 취소: ${input.reason}` });

  // The cancellation has committed; the order's own cancelReason also records it was an admin. A failed audit write
  // is logged loudly rather than reported as a failed cancel, which would invite a second attempt.
  try {
    await recordAudit(deps.db, {
      actorId: input.actorId,
      action: "order.cancel",
      targetType: "ORDER",
      targetId: input.id,
      reason: input.reason,
      metadata: { previousStatus: order.status, saleId: order.saleId, buyerId: order.userId, isRefundRequested: result.isRefundRequested },
    });
  } catch (error) {
    logger.error({ orderId: input.id, actorId: input.actorId, err: error }, "admin order cancel committed but its audit entry failed");
  }
  return result;
}
