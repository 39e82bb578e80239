import { decryptPii } from "~/server/crypto/pii.ts";
import type { DepsOf } from "~/server/deps.ts";
import { saleOpenedEmail, saleReminderEmail } from "~/server/emails/templates.ts";
import { logger } from "~/server/logger.ts";

type Deps = DepsOf<"db" | "clock" | "sendEmail" | "config">;

// Sales that may still be bought. A closed (or cancelled: an admin's close) or sold-out sale mails nobody.
const REMINDABLE_STATES = ["SCHEDULED", "OPEN"] as const;
const SALES_PER_RUN = 100;
const SUBSCRIPTIONS_PER_SALE_PER_RUN = 1_000;

/**
 * The one "오픈 알림" mail per notify-me subscription: due `saleReminderLeadMinutes` before the open time, so the buyer
 * has time to open the sale page and pick an address before the drop. The deadline is computed from Sale.opensAt and
 * the setting, and SaleSubscription.notifiedAt is claimed with a compare-and-set before sending, so repeated or
 * concurrent runs (the in-process runner and Inngest's run-due-work) never mail anyone twice.
 * There is no second mail at the open moment: the reminder already carries the open time and the link, and a second
 * mail minutes later would only repeat it. A subscription this sweep reaches only after the open time (subscribed in
 * the last seconds, or due work was down) gets the "판매가 시작되었습니다" wording instead, still once.
 * A failed send gives the claim back, so the next run retries that subscriber.
 */
export async function remindSaleSubscribers(deps: Deps) {
  const now = deps.clock.now();
  const remindBefore = new Date(now.getTime() + deps.config.saleReminderLeadMinutes * 60_000);
  const sales = await deps.db.sale.findMany({
    where: {
      state: { in: [...REMINDABLE_STATES] },
      opensAt: { lte: remindBefore },
      OR: [{ closesAt: null }, { closesAt: { gt: now } }],
      subscriptions: { some: { notifiedAt: null } },
    },
    select: { id: true, salePrice: true, opensAt: true, product: { select: { name: true } } },
    orderBy: { opensAt: "asc" },
    take: SALES_PER_RUN,
  });

  let sent = 0;
  for (const sale of sales) sent += await remindSubscribersOf(deps, sale, now);
  return { processed: sent };
}

async function remindSubscribersOf(deps: Deps, sale: { id: number; salePrice: number; opensAt: Date; product: { name: string } }, now: Date) {
  const pending = await deps.db.saleSubscription.findMany({
    where: { saleId: sale.id, notifiedAt: null },
    select: { id: true, user: { select: { emailEnc: true } } },
    orderBy: { id: "asc" },
    take: SUBSCRIPTIONS_PER_SALE_PER_RUN,
  });
  const saleUrl = `${deps.config.appUrl}/sales/${sale.id}`;
  const details = { productName: sale.product.name, salePrice: sale.salePrice, saleUrl, opensAt: sale.opensAt };
  const email =
    sale.opensAt > now ? saleReminderEmail({ ...details, minutesLeft: Math.max(1, Math.ceil((sale.opensAt.getTime() - now.getTime()) / 60_000)) }) : saleOpenedEmail(details);

  let sent = 0;
  for (const subscription of pending) {
    const claimedAt = deps.clock.now();
    const claim = await deps.db.saleSubscription.updateMany({ where: { id: subscription.id, notifiedAt: null }, data: { notifiedAt: claimedAt } });
    if (claim.count === 0) continue;
    try {
      await deps.sendEmail(deps, { to: decryptPii(subscription.user.emailEnc, deps.config.pii), ...email });
      sent += 1;
    } catch (error) {
      // Logged and given back rather than thrown: one undeliverable address must not hold up everyone after it.
      logger.error({ err: error, saleId: sale.id, subscriptionId: subscription.id }, "sale reminder mail failed; will retry");
      await deps.db.saleSubscription.updateMany({ where: { id: subscription.id, notifiedAt: claimedAt }, data: { notifiedAt: null } });
    }
  }
  return sent;
}
