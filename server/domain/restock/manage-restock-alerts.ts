import type { DepsOf } from "~/server/deps.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { readRestockTargetState, type RestockTargetDeps } from "~/server/domain/restock/restock-target-state.ts";
import { targetColumns, targetOfRow, targetPath, type RestockTarget } from "~/server/domain/restock/restock-target.ts";

/** An alert is live until its one restock mail (notifiedAt) or a cancel (canceledAt). */
const ACTIVE = { notifiedAt: null, canceledAt: null } as const;

/**
 * "재입고 알림 신청". Only for something sold out right now: the page shows the button only then, and an API caller
 * asking about a buyable product is told to buy it instead. Asking again after a mail or a cancel re-arms the same
 * row; asking twice (double click, two tabs) is one alert.
 */
export async function subscribeToRestock(deps: RestockTargetDeps, input: { userId: string; target: RestockTarget }) {
  const target = await readRestockTargetState(deps, input.target);
  if (target.state === "BUYABLE") {
    throw new DomainError("INVALID_INPUT", target.isSale ? "지금 구매할 수 있는 수량이 있습니다. 재입고 알림은 품절일 때만 신청할 수 있습니다." : "지금 구매할 수 있는 상품입니다. 재입고 알림은 품절일 때만 신청할 수 있습니다.");
  }
  if (target.state === "ENDED") throw new DomainError("INVALID_STATE", "진행 중인 세일에만 재입고 알림을 신청할 수 있습니다.");

  const columns = targetColumns(input.target);
  // createMany + skipDuplicates is one INSERT IGNORE: concurrent first requests cannot collide on the unique key.
  await deps.db.restockSubscription.createMany({ data: [{ userId: input.userId, ...columns }], skipDuplicates: true });
  await deps.db.restockSubscription.updateMany({ where: { userId: input.userId, ...columns, NOT: ACTIVE }, data: { notifiedAt: null, canceledAt: null } });
  return { isSubscribed: true };
}

/** "알림 신청됨 · 취소": ends the alert; repeating it is harmless. */
export async function cancelRestockAlert(deps: DepsOf<"db" | "clock">, input: { userId: string; target: RestockTarget }) {
  await deps.db.restockSubscription.updateMany({ where: { userId: input.userId, ...targetColumns(input.target), ...ACTIVE }, data: { canceledAt: deps.clock.now() } });
  return { isSubscribed: false };
}

/**
 * What the alert button shows. Asked by the page's island from the browser, so the page itself stays the same for
 * every visitor (and cacheable); a signed-out visitor is told so and gets a sign-in prompt.
 */
export async function getRestockAlertStatus(deps: DepsOf<"db">, input: { userId: string | null; target: RestockTarget }) {
  if (input.userId === null) return { isSignedIn: false, isSubscribed: false };
  const alert = await deps.db.restockSubscription.findFirst({ where: { userId: input.userId, ...targetColumns(input.target), ...ACTIVE }, select: { id: true } });
  return { isSignedIn: true, isSubscribed: alert !== null };
}

/** The shopper's live alerts, newest first, for the account page. */
export async function listRestockAlerts(deps: DepsOf<"db">, input: { userId: string }) {
  const alerts = await deps.db.restockSubscription.findMany({
    where: { userId: input.userId, ...ACTIVE, OR: [{ product: { status: { not: "DISCONTINUED" } } }, { sale: { state: { not: "CLOSED" } } }] },
    orderBy: { id: "desc" },
    take: 50,
    select: {
      id: true,
      productId: true,
      saleId: true,
      createdAt: true,
      product: { select: { name: true, imageUrl: true } },
      sale: { select: { product: { select: { name: true, imageUrl: true } } } },
    },
  });
  return alerts.flatMap((alert) => {
    const product = alert.product ?? alert.sale?.product;
    if (!product) return [];
    const target = targetOfRow(alert);
    return [{ id: alert.id, target, isSale: target.saleId !== undefined, productName: product.name, imageUrl: product.imageUrl, path: targetPath(target), createdAt: alert.createdAt }];
  });
}
