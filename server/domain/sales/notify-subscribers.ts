import { decryptPii } from "~/server/crypto/pii.ts";
import type { DepsOf } from "~/server/deps.ts";
import { saleOpenedEmail } from "~/server/emails/templates.ts";
import { env } from "~/server/env.js";

/**
 * Mails everyone who asked to be told when a sale opens. notifiedAt is claimed per subscription with a
 * compare-and-set before sending, so a repeated or concurrent run never mails anyone twice.
 */
export async function notifySaleSubscribers(deps: DepsOf<"db" | "clock" | "sendEmail">, saleId: number) {
  const sale = await deps.db.sale.findUnique({ where: { id: saleId }, select: { id: true, salePrice: true, opensAt: true, product: { select: { name: true } } } });
  if (!sale) return { processed: 0 };

  const pending = await deps.db.saleSubscription.findMany({
    where: { saleId, notifiedAt: null },
    select: { id: true, user: { select: { emailEnc: true } } },
    take: 1_000,
  });
  let sent = 0;
  for (const subscription of pending) {
    const claim = await deps.db.saleSubscription.updateMany({ where: { id: subscription.id, notifiedAt: null }, data: { notifiedAt: deps.clock.now() } });
    if (claim.count === 0) continue;
    const email = saleOpenedEmail({ productName: sale.product.name, salePrice: sale.salePrice, saleUrl: `${env.APP_URL}/sales/${sale.id}`, opensAt: sale.opensAt });
    await deps.sendEmail(deps, { to: decryptPii(subscription.user.emailEnc), ...email });
    sent += 1;
  }
  return { processed: sent };
}
