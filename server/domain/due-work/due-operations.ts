import { systemClock } from "~/server/clock.ts";
import type { AppDeps } from "~/server/deps.ts";
import { purgeExpiredAccountData } from "~/server/domain/accounts/purge-expired-account-data.ts";
import { snapshotSaleTimelines } from "~/server/domain/admin/sales/snapshot-sale-timelines.ts";
import { advanceOrderDeliveries } from "~/server/domain/orders/advance-deliveries.ts";
import { completeDueReturns } from "~/server/domain/orders/complete-returns.ts";
import { expireUnpaidOrders } from "~/server/domain/orders/expire-unpaid-orders.ts";
import { relayOutbox, type OutboxDispatcher } from "~/server/domain/outbox/relay-outbox.ts";
import { countPaidSaleUnits } from "~/server/domain/payments/paid-sale-units.ts";
import { reconcilePayments } from "~/server/domain/payments/reconcile-payments.ts";
import { remindSaleSubscribers } from "~/server/domain/sales/notify-subscribers.ts";
import { openDueSales } from "~/server/domain/sales/open-due-sales.ts";
import { reconcileLiveSales } from "~/server/domain/sales/reconcile-sale.ts";

/** The app's dependencies plus where outbox events go (Inngest or the local handlers). */
export type DueWorkDeps = AppDeps & { dispatch: OutboxDispatcher };

/**
 * Every piece of time-driven work, as an idempotent operation over deadlines stored in MySQL. Inngest crons (and
 * sleepUntil functions) call these in production; the in-process runner calls them when Inngest is not configured.
 * Running any of them twice, late, or on two instances at once must be harmless.
 */
export const dueOperations = {
  // "오픈 알림" mails, SALE_REMINDER_LEAD_MINUTES before each sale opens (once per subscriber).
  "remind-sale-subscribers": (deps: DueWorkDeps) => remindSaleSubscribers(deps),
  "open-due-sales": (deps: DueWorkDeps) => openDueSales(deps),
  // Order lifecycle before the relay, so the mails these transitions queue go out in the same sweep.
  "expire-unpaid-orders": (deps: DueWorkDeps) => expireUnpaidOrders(deps),
  "advance-order-deliveries": (deps: DueWorkDeps) => advanceOrderDeliveries(deps),
  "complete-order-returns": (deps: DueWorkDeps) => completeDueReturns(deps),
  // Payments whose answer was lost or whose money is owed back, settled against the provider's own record.
  "reconcile-payments": (deps: DueWorkDeps) => reconcilePayments(deps),
  // Paid sale units a crash left uncounted between the payment's commit and its count.
  "count-paid-sale-units": (deps: DueWorkDeps) => countPaidSaleUnits(deps),
  "relay-outbox": (deps: DueWorkDeps) => relayOutbox(deps),
  // Wall-clock time on purpose: housekeeping of session and verification data must not run ahead when tests or the
  // e2e clock move business time forward (that would delete rows other flows still use).
  "purge-expired-account-data": (deps: DueWorkDeps) => purgeExpiredAccountData({ db: deps.db, clock: systemClock }),
  "reconcile-live-sales": (deps: DueWorkDeps) => reconcileLiveSales(deps),
  // Redis keeps the per-second sale timeline two hours; the post-sale report reads this MySQL copy.
  "snapshot-sale-timelines": (deps: DueWorkDeps) => snapshotSaleTimelines(deps),
} satisfies Record<string, (deps: DueWorkDeps) => Promise<{ processed: number }>>;

export type DueOperationName = keyof typeof dueOperations;
export const dueOperationNames = Object.keys(dueOperations) as DueOperationName[];
