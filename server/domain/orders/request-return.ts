import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { addMs } from "~/server/domain/orders/order-timing.ts";

export const requestReturnInput = z.object({
  id: z.string().min(1).max(32),
  reason: z.string().trim().max(191).optional(),
});
export type RequestReturnInput = z.infer<typeof requestReturnInput>;

/**
 * DELIVERED → RETURN_REQUESTED while the return window is open (a DELIVERED order's dueAt is the window's end, the
 * same instant it would be confirmed, so the guard `dueAt > now` makes return and confirmation mutually exclusive).
 * Stock and refund follow when the return completes (complete-order-returns), RETURN_COMPLETE_AFTER later.
 */
export async function requestReturn(deps: DepsOf<"db" | "clock" | "config">, input: RequestReturnInput & { userId: string }) {
  const now = deps.clock.now();
  const order = await deps.db.order.findFirst({ where: { id: input.id, userId: input.userId }, select: { id: true, status: true, dueAt: true } });
  if (!order) throw new DomainError("NOT_FOUND", "주문을 찾을 수 없습니다.");
  if (order.status === "RETURN_REQUESTED" || order.status === "RETURNED") throw new DomainError("INVALID_STATE", "이미 반품이 신청된 주문입니다.");
  if (order.status !== "DELIVERED" && order.status !== "CONFIRMED") {
    throw new DomainError("INVALID_STATE", "배송이 완료된 주문만 반품을 신청할 수 있습니다.");
  }

  const { count } = await deps.db.order.updateMany({
    where: { id: order.id, userId: input.userId, status: "DELIVERED", dueAt: { gt: now } },
    data: {
      status: "RETURN_REQUESTED",
      returnRequestedAt: now,
      cancelReason: input.reason || "구매자 반품 요청",
      dueAt: addMs(now, deps.config.orderTimings.returnCompleteAfterMs),
    },
  });
  if (count === 0) throw new DomainError("INVALID_STATE", "반품 신청 기간(배송 완료 다음 날까지)이 지났습니다.");
  return { id: order.id, status: "RETURN_REQUESTED" as const };
}
