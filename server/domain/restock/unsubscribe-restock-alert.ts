import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { targetOfRow, targetPath } from "~/server/domain/restock/restock-target.ts";
import { verifyRestockUnsubscribeToken } from "~/server/domain/restock/unsubscribe-token.ts";

export const unsubscribeRestockAlertInput = z.object({ token: z.string({ error: "알림 해지 링크가 올바르지 않습니다." }).min(1).max(200) });
export type UnsubscribeRestockAlertInput = z.infer<typeof unsubscribeRestockAlertInput>;

/**
 * The mail's one-click "알림 해지", without signing in: the signed token is the proof. It cancels the alert, so
 * asking again later (which re-arms it) is the only way back. Repeating it is harmless and answers the same.
 */
export async function unsubscribeRestockAlert(deps: DepsOf<"db" | "clock" | "config">, input: UnsubscribeRestockAlertInput) {
  const now = deps.clock.now();
  const check = verifyRestockUnsubscribeToken(deps.config.authSecret, input.token, now.getTime());
  if (!check.ok) {
    throw new DomainError("INVALID_INPUT", check.reason === "EXPIRED" ? "알림 해지 링크의 유효 기간이 지났습니다. 로그인한 뒤 상품 페이지에서 알림을 취소해 주세요." : "알림 해지 링크가 올바르지 않습니다.");
  }
  const alert = await deps.db.restockSubscription.findUnique({
    where: { id: check.subscriptionId },
    select: { productId: true, saleId: true, product: { select: { name: true } }, sale: { select: { product: { select: { name: true } } } } },
  });
  if (!alert) throw new DomainError("NOT_FOUND", "알림을 찾을 수 없습니다. 이미 삭제된 상품일 수 있습니다.");

  await deps.db.restockSubscription.updateMany({ where: { id: check.subscriptionId, canceledAt: null }, data: { canceledAt: now } });
  const productName = alert.product?.name ?? alert.sale?.product.name ?? "";
  return { productName, path: targetPath(targetOfRow(alert)), isUnsubscribed: true };
}
