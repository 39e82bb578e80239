import { bulkhead, isBulkheadRejectedError, type BulkheadPolicy } from "cockatiel";

import type { Db } from "~/server/db.ts";
import type { DepsOf } from "~/server/deps.ts";
import { DomainError } from "~/server/domain/errors.ts";
import type { Prisma } from "~/server/generated/prisma/client.ts";
import type { OrderStatus, PaymentStatus } from "~/server/generated/prisma/enums.ts";

/**
 * The payment ledger: one Payment row per paymentKey, and the only transitions it may take.
 *
 *   PENDING ──► APPROVED ──► REFUND_PENDING ──► REFUNDED
 *      │  └──────────────────────▲
 *      ├──► DECLINED   └──► FAILED (nothing was captured)      PENDING ──► REFUNDED (the provider already cancelled it)
 *
 * The row is written PENDING before the provider is called, so a confirm whose answer was lost is still known and
 * reconciliation settles it against the provider. Invariant: an order is in a paid status exactly when it has one
 * APPROVED row, of its total; APPROVED is only ever entered in the transaction that marks the order paid, and left
 * only in the transaction that moves the order out of its paid statuses. So nothing is refunded while its order is
 * paid, and a charge that reached us for any other reason ends REFUND_PENDING → REFUNDED.
 */
type Tx = Prisma.TransactionClient;

/** Orders in these statuses hold their money; everything else must not (cancel, return and expiry refund it). */
export const PAID_ORDER_STATUSES = ["PAID", "SHIPPING", "DELIVERED", "CONFIRMED", "RETURN_REQUESTED"] as const satisfies readonly OrderStatus[];

export function isPaidOrderStatus(status: OrderStatus) {
  return (PAID_ORDER_STATUSES as readonly OrderStatus[]).includes(status);
}

export const ledgerRowSelect = {
  id: true,
  orderId: true,
  provider: true,
  paymentKey: true,
  amount: true,
  status: true,
  addressId: true,
  approvedAt: true,
  createdAt: true,
  statusAt: true,
} satisfies Prisma.PaymentSelect;
export type LedgerRow = Prisma.PaymentGetPayload<{ select: typeof ledgerRowSelect }>;

export function findLedgerRow(db: Db, key: { provider: string; paymentKey: string }) {
  return db.payment.findUnique({ where: { provider_paymentKey: key }, select: ledgerRowSelect });
}

function isUniqueViolation(error: unknown) {
  return typeof error === "object" && error !== null && "code" in error && error.code === "P2002";
}

/**
 * Records an attempt before any money moves. Returns the new row, or the row that already holds this key (a retry,
 * a double click, or a replay of someone else's key): the caller decides what that means, nothing is overwritten.
 */
export async function openAttempt(
  deps: DepsOf<"db" | "clock">,
  attempt: { orderId: string; provider: string; paymentKey: string; amount: number; addressId: number | null },
): Promise<{ row: LedgerRow; isNew: boolean }> {
  try {
    const now = deps.clock.now();
    const row = await deps.db.payment.create({ data: { ...attempt, status: "PENDING", createdAt: now, statusAt: now }, select: ledgerRowSelect });
    return { row, isNew: true };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const row = await findLedgerRow(deps.db, { provider: attempt.provider, paymentKey: attempt.paymentKey });
    if (!row) throw error;
    return { row, isNew: false };
  }
}

type Move = {
  from: readonly PaymentStatus[];
  to: PaymentStatus;
  /** Now, on the app's clock: when the row entered `to`. */
  at: Date;
  failureCode?: string | null;
  failureMessage?: string | null;
  approvedAt?: Date | null;
  refundedAt?: Date | null;
};

/** Moves a row from one of `from` to `to`; false when another writer moved it first (the caller re-reads). */
export async function moveAttempt(db: Db | Tx, paymentId: number, move: Move) {
  const { count } = await db.payment.updateMany({
    where: { id: paymentId, status: { in: [...move.from] } },
    data: {
      status: move.to,
      statusAt: move.at,
      ...(move.failureCode === undefined ? {} : { failureCode: move.failureCode?.slice(0, 64) ?? null }),
      ...(move.failureMessage === undefined ? {} : { failureMessage: move.failureMessage?.slice(0, 191) ?? null }),
      ...(move.approvedAt === undefined ? {} : { approvedAt: move.approvedAt }),
      ...(move.refundedAt === undefined ? {} : { refundedAt: move.refundedAt }),
    },
  });
  return count === 1;
}

/** A row that never reached the provider (the circuit was open): forget it, so the same key can be tried again. */
export async function discardUnsentAttempt(db: Db, paymentId: number) {
  await db.payment.deleteMany({ where: { id: paymentId, status: "PENDING" } });
}

// ── Paying under a burst ────────────────────────────────────────────────────────────────────────────────────────
/**
 * Every winner of a sale pays within the same few seconds. Two limits per process (per database client), queues
 * in front of both:
 * - payments in progress: all of them at once would saturate the event loop, so healthy provider calls would time
 *   out while their answers wait behind other payers' work, and open the breaker for everyone. Waiting in the queue
 *   costs nothing and no timeout runs there;
 * - payment transactions: half the pool, so they start at once instead of queueing for connections until Prisma's
 *   start timeout fires (P2028), and the reads around them keep connections too.
 */
type Limiters = { payments: BulkheadPolicy; transactions: BulkheadPolicy };
const limitersByDb = new WeakMap<Db, Limiters>();
const QUEUE_LIMIT = 20_000;
const PAYMENTS_IN_PROGRESS = 24;
const TRANSACTIONS_IN_PROGRESS = 8;

function limitersFor(db: Db) {
  let limiters = limitersByDb.get(db);
  if (!limiters) {
    limiters = { payments: bulkhead(PAYMENTS_IN_PROGRESS, QUEUE_LIMIT), transactions: bulkhead(TRANSACTIONS_IN_PROGRESS, QUEUE_LIMIT) };
    limitersByDb.set(db, limiters);
  }
  return limiters;
}

const BUSY_MESSAGE = "결제 요청이 많아 잠시 후 다시 시도해 주세요. 주문은 결제 기한까지 유지됩니다.";

async function withinLimit<T>(limiter: BulkheadPolicy, work: () => Promise<T>): Promise<T> {
  try {
    return await limiter.execute(work);
  } catch (error) {
    if (isBulkheadRejectedError(error)) throw new DomainError("UNAVAILABLE", BUSY_MESSAGE, { retryAfterS: 2, cause: error });
    throw error;
  }
}

/** Runs one buyer's payment when its turn comes (see above); a full queue answers 503, and retrying is safe. */
export function admitPayment<T>(db: Db, pay: () => Promise<T>): Promise<T> {
  return withinLimit(limitersFor(db).payments, pay);
}

/** Runs a payment's transaction: a few primary-key statements, never a row that every payer of a sale updates. */
export function runPaymentTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return withinLimit(limitersFor(db).transactions, () => db.$transaction(work, { maxWait: 10_000, timeout: 10_000 }));
}
