
import type { Db } from "~/server/db.ts";
import type { DepsOf } from "~/server/deps.ts";
import { recordAudit, SYSTEM_ACTOR_ID } from "~/server/domain/admin/audit-log.ts";
import { hasAddressSnapshot, loadAddressSnapshot, type AddressSnapshot } from "~/server/domain/orders/address-snapshot.ts";
import { applyCapturedCharge, refundUnusableCharge } from "~/server/domain/payments/apply-captured-charge.ts";
import { moveAttempt } from "~/server/domain/payments/ledger.ts";
import { refundPayment } from "~/server/domain/payments/refund-payment.ts";
import type { PaymentStatus } from "~/server/generated/prisma/enums.ts";
import { logger } from "~/server/logger.ts";
import { PaymentUnavailableError } from "~/server/payments/types.ts";

type Deps = DepsOf<"db" | "redis" | "clock" | "payments" | "config" | "saleEngine" | "invalidatePublicPages">;

/** The bounds of reconciliation; README's payments section documents them. */
export const RECONCILIATION = {
  /** A PENDING row younger than this may still be in its own request (a confirm takes ≤ ~10 s with retries). */
  pendingAfterMs: 30_000,
  /** A REFUND_PENDING row gets this long for its immediate refund and outbox event before reconciliation steps in. */
  refundAfterMs: 10_000,
  /** The provider holding nothing for a PENDING key this long after the attempt means nothing was captured. */
  notCapturedAfterMs: 10 * 60_000,
  /** What is still unsettled this long after the attempt is flagged for an admin (it keeps being retried). */
  flagAfterMs: 15 * 60_000,
  /** Backoff between two provider checks of one row: 5 s, 10 s, 20 s … capped at 5 minutes. */
  recheckDelayMs: (checks: number) => Math.min(5_000 * 2 ** checks, 5 * 60_000),
  batchSize: 200,
} as const;

const reconcilableSelect = {
  id: true,
  orderId: true,
  paymentKey: true,
  amount: true,
  status: true,
  addressId: true,
  statusAt: true,
  checks: true,
  flaggedAt: true,
  order: { select: { id: true, userId: true, saleId: true, status: true, totalAmount: true, recipientEnc: true, phoneEnc: true, postalCodeEnc: true, address1Enc: true } },
} as const;

export type ReconcileResult = "paid" | "refunded" | "refund-requested" | "not-captured" | "cancelled-at-provider" | "unresolved";

/**
 * Due operation "reconcile-payments": every ledger row whose outcome is pending (PENDING: the provider's answer was
 * lost; REFUND_PENDING: money we owe back) is settled against the provider's own record:
 * - captured: the order takes it if it still can (PAID), otherwise it is refunded;
 * - cancelled at the provider: nothing is held, the row says so;
 * - nothing captured for long enough: the attempt failed;
 * - owed back: refunded.
 * What stays unsettled past RECONCILIATION.flagAfterMs is flagged for an admin (and still retried). Every action is
 * audit-logged by the actor "system". Safe to run concurrently and repeatedly: every step is a compare-and-set.
 */
export async function reconcilePayments(deps: Deps, options: { batchSize?: number } = {}) {
  const now = deps.clock.now().getTime();
  const rows = await deps.db.payment.findMany({
    where: {
      OR: [
        { status: "PENDING", statusAt: { lte: new Date(now - RECONCILIATION.pendingAfterMs) } },
        { status: "REFUND_PENDING", statusAt: { lte: new Date(now - RECONCILIATION.refundAfterMs) } },
      ],
    },
    orderBy: { statusAt: "asc" },
    take: options.batchSize ?? RECONCILIATION.batchSize,
    select: { id: true, checks: true, checkedAt: true },
  });

  let processed = 0;
  for (const row of rows) {
    if (row.checkedAt && row.checkedAt.getTime() + RECONCILIATION.recheckDelayMs(row.checks - 1) > now) continue;
    const result = await reconcilePayment(deps, row.id, { actorId: SYSTEM_ACTOR_ID });
    if (result !== "unresolved") processed += 1;
  }
  return { processed };
}

/**
 * Settles one ledger row against the provider now. Used by the sweep and by the admin's "check now" button (whose
 * actor is then the admin). Returns what happened; "unresolved" when the provider could not tell us yet.
 */
export async function reconcilePayment(deps: Deps, paymentId: number, context: { actorId: string }): Promise<ReconcileResult> {
  const row = await deps.db.payment.findUnique({ where: { id: paymentId }, select: reconcilableSelect });
  if (!row || (row.status !== "PENDING" && row.status !== "REFUND_PENDING")) return "unresolved";

  let result: ReconcileResult;
  try {
    result = row.status === "PENDING" ? await settlePending(deps, row) : await settleRefund(deps, row.id);
  } catch (error) {
    if (!(error instanceof PaymentUnavailableError)) logger.error({ paymentId: row.id, err: error }, "reconciliation of a payment failed");
    result = "unresolved";
  }

  const now = deps.clock.now();
  await deps.db.payment.updateMany({ where: { id: row.id }, data: { checkedAt: now, checks: { increment: 1 } } });
  // An admin's "check now" is recorded whatever it found; the sweep records only what it changed.
  if (result !== "unresolved" || context.actorId !== SYSTEM_ACTOR_ID) {
    await audit(deps, row, context.actorId, "payment.reconcile", { result, from: row.status });
  }
  if (result !== "unresolved") return result;
  const isOverdue = now.getTime() - row.statusAt.getTime() > RECONCILIATION.flagAfterMs;
  if (isOverdue && row.flaggedAt === null) {
    const { count } = await deps.db.payment.updateMany({ where: { id: row.id, flaggedAt: null }, data: { flaggedAt: now } });
    if (count === 1) {
      logger.error({ paymentId: row.id, orderId: row.orderId, status: row.status }, "payment still unsettled after its bound: flagged for an admin");
      await audit(deps, row, SYSTEM_ACTOR_ID, "payment.flag", { status: row.status });
    }
  }
  return result;
}

type Row = { id: number; orderId: string; paymentKey: string; amount: number; addressId: number | null; statusAt: Date; status: PaymentStatus };
type RowWithOrder = Row & {
  order: { id: string; userId: string; saleId: number | null; totalAmount: number; recipientEnc: string | null; phoneEnc: string | null; postalCodeEnc: string | null; address1Enc: string | null };
};

async function settlePending(deps: Deps, row: RowWithOrder): Promise<ReconcileResult> {
  const gateway = deps.payments;
  const held = await gateway.lookUp(row.paymentKey);
  if (held === null) {
    if (deps.clock.now().getTime() - row.statusAt.getTime() < RECONCILIATION.notCapturedAfterMs) return "unresolved";
    const isClosed = await moveAttempt(deps.db, row.id, { from: ["PENDING"], to: "FAILED", at: deps.clock.now(), failureCode: "NOT_CAPTURED", failureMessage: "결제사에 승인 내역 없음" });
    return isClosed ? "not-captured" : "unresolved";
  }
  if (held.status === "CANCELED") {
    const isClosed = await moveAttempt(deps.db, row.id, { from: ["PENDING"], to: "REFUNDED", at: deps.clock.now(), failureCode: "CANCELLED_AT_PROVIDER", refundedAt: deps.clock.now() });
    return isClosed ? "cancelled-at-provider" : "unresolved";
  }
  if (held.orderId !== row.orderId || held.amount !== row.order.totalAmount) {
    const isOwed = await refundUnusableCharge(deps, { paymentId: row.id, orderId: row.orderId, failureCode: "CHARGE_MISMATCH" });
    return isOwed ? "refund-requested" : "unresolved";
  }
  const applied = await applyCapturedCharge(deps, { paymentId: row.id, approvedAt: held.approvedAt, order: row.order, address: await shippingAddressFor(deps.db, row) });
  if (applied.outcome === "PAID") return "paid";
  if (applied.outcome === "NOT_PAYABLE") return "refund-requested";
  return "unresolved";
}

/**
 * The address the buyer chose with this attempt, for an order placed without one. If it has been deleted since,
 * the order cannot become PAID without somewhere to ship, and the charge is refunded instead.
 */
async function shippingAddressFor(db: Db, row: RowWithOrder): Promise<AddressSnapshot | null> {
  if (hasAddressSnapshot(row.order) || row.addressId === null) return null;
  return loadAddressSnapshot(db, { userId: row.order.userId, addressId: row.addressId }).catch(() => null);
}

async function settleRefund(deps: Deps, paymentId: number): Promise<ReconcileResult> {
  const { refunded } = await refundPayment(deps, { paymentId });
  return refunded ? "refunded" : "unresolved";
}

async function audit(deps: Deps, row: Row, actorId: string, action: "payment.reconcile" | "payment.flag", metadata: Record<string, string>) {
  try {
    await recordAudit(deps.db, { actorId, action, targetType: "PAYMENT", targetId: String(row.id), metadata: { orderId: row.orderId, ...metadata } });
  } catch (error) {
    logger.error({ paymentId: row.id, action, err: error }, "payment reconciliation audit entry failed");
  }
}
