import { decryptPii } from "~/server/crypto/pii.ts";
import type { DepsOf } from "~/server/deps.ts";
import { isDomainError } from "~/server/domain/errors.ts";
import { readRestockTargetState, type RestockTargetDeps } from "~/server/domain/restock/restock-target-state.ts";
import { targetColumns, type RestockTarget } from "~/server/domain/restock/restock-target.ts";
import { issueRestockUnsubscribeToken, restockUnsubscribeLinks } from "~/server/domain/restock/unsubscribe-token.ts";
import { restockAlertEmail } from "~/server/emails/templates.ts";
import { logger } from "~/server/logger.ts";

export type RestockNotifyDeps = RestockTargetDeps & DepsOf<"db" | "clock" | "sendEmail" | "config">;

/**
 * Subscribers mailed per batch. A restock with 10,000 subscribers is 50 batches: each batch is its own Inngest step
 * (its own request) or its own loop turn in the local handler, and each mail its own short transaction, so no request
 * or transaction grows with the number of subscribers.
 */
export const RESTOCK_MAIL_BATCH_SIZE = 200;

export type RestockBatch = { restockId: string; target: RestockTarget; afterId: number; batchSize?: number };
export type RestockBatchResult = {
  sent: number;
  /** Where the next batch starts; null when this one was the last (or the restock is already gone). */
  nextAfterId: number | null;
  /** The units were bought again (or the sale ended) before this batch: nobody else is mailed for this restock. */
  isGone: boolean;
};

/** Thrown inside a claim's transaction to roll it back when this subscription is not ours to mail. */
class NotClaimed extends Error {}

/**
 * Mails one batch of a restock's subscribers, in id order after `afterId`.
 *
 * Once per person per restock: a person is claimed in one transaction that ends the alert (notifiedAt) with a
 * compare-and-set and inserts the (subscriptionId, restockId) delivery row; a duplicate, retried or concurrent run of
 * the same event finds the alert already ended (the compare-and-set waits for the other transaction) or the row.
 * The mail goes out after the claim commits. If sending fails the claim is undone and the error rethrown, so the event
 * is retried and that person is mailed later; a crash between claim and send loses that one mail rather than ever
 * sending two.
 *
 * A restock already gone when a batch starts (bought again, sale paused or closed) mails nobody more: those alerts stay
 * on for the next restock, instead of sending people to a page that says "품절".
 */
export async function notifyRestockBatch(deps: RestockNotifyDeps, batch: RestockBatch): Promise<RestockBatchResult> {
  const target = await readRestockTargetState(deps, batch.target).catch((error: unknown) => {
    // Deleted or discontinued since: nothing to tell anyone about. Anything else (Redis down) is retried by the outbox.
    if (!isDomainError(error) || error.code !== "NOT_FOUND") throw error;
    logger.info({ restockId: batch.restockId, target: batch.target }, "restock target no longer exists; nobody mailed");
    return null;
  });
  if (target?.state !== "BUYABLE") return { sent: 0, nextAfterId: null, isGone: true };

  const batchSize = batch.batchSize ?? RESTOCK_MAIL_BATCH_SIZE;
  const subscriptions = await deps.db.restockSubscription.findMany({
    where: { ...targetColumns(batch.target), notifiedAt: null, canceledAt: null, id: { gt: batch.afterId } },
    orderBy: { id: "asc" },
    take: batchSize,
    select: { id: true, user: { select: { emailEnc: true, nameEnc: true } } },
  });

  let sent = 0;
  for (const subscription of subscriptions) {
    if (!(await claimDelivery(deps, subscription.id, batch.restockId))) continue;
    const unsubscribe = restockUnsubscribeLinks(deps.config.appUrl, issueRestockUnsubscribeToken(deps.config.authSecret, subscription.id, deps.clock.now().getTime()));
    const email = restockAlertEmail({
      name: decryptPii(subscription.user.nameEnc, deps.config.pii),
      productName: target.productName,
      price: target.price,
      isSale: target.isSale,
      pageUrl: `${deps.config.appUrl}${target.path}`,
      unsubscribeUrl: unsubscribe.pageUrl,
      headers: unsubscribe.headers,
    });
    try {
      await deps.sendEmail(deps, { to: decryptPii(subscription.user.emailEnc, deps.config.pii), ...email });
    } catch (error) {
      await releaseDelivery(deps, subscription.id, batch.restockId);
      throw error;
    }
    sent += 1;
  }
  const last = subscriptions.at(-1);
  return { sent, nextAfterId: subscriptions.length === batchSize && last ? last.id : null, isGone: false };
}

async function claimDelivery(deps: DepsOf<"db" | "clock">, subscriptionId: number, restockId: string) {
  try {
    await deps.db.$transaction(async (tx) => {
      // The alert's row lock first: a concurrent claim waits here and then finds the alert ended. (Inserting the
      // delivery first would take a shared lock on this row through the foreign key, and two claims would deadlock
      // upgrading it.) Zero rows: cancelled, or told by another run, since the page was read.
      const ended = await tx.restockSubscription.updateMany({ where: { id: subscriptionId, notifiedAt: null, canceledAt: null }, data: { notifiedAt: deps.clock.now() } });
      if (ended.count === 0) throw new NotClaimed();
      // Already told about this very restock before asking again: not twice.
      const delivery = await tx.restockDelivery.createMany({ data: [{ subscriptionId, restockId }], skipDuplicates: true });
      if (delivery.count === 0) throw new NotClaimed();
    });
    return true;
  } catch (error) {
    if (error instanceof NotClaimed) return false;
    throw error;
  }
}

/** The mail was not sent: forget the claim so the retried event mails this person. */
async function releaseDelivery(deps: DepsOf<"db">, subscriptionId: number, restockId: string) {
  await deps.db.$transaction([
    deps.db.restockDelivery.deleteMany({ where: { subscriptionId, restockId } }),
    deps.db.restockSubscription.updateMany({ where: { id: subscriptionId, canceledAt: null }, data: { notifiedAt: null } }),
  ]);
}

/** Every batch of one restock, one after another: the in-process consumer (Inngest runs each batch as its own step). */
export async function notifyRestockSubscribers(deps: RestockNotifyDeps, input: { restockId: string; target: RestockTarget; batchSize?: number }) {
  let afterId = 0;
  let sent = 0;
  for (;;) {
    const batch = await notifyRestockBatch(deps, { ...input, afterId });
    sent += batch.sent;
    if (batch.nextAfterId === null) return { sent, isGone: batch.isGone };
    afterId = batch.nextAfterId;
  }
}
