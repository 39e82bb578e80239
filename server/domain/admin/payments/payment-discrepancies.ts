import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import { auditEntrySelect } from "~/server/domain/admin/audit-log.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { idField } from "~/server/domain/input-rules.ts";
import { PAID_ORDER_STATUSES } from "~/server/domain/payments/ledger.ts";
import { reconcilePayment } from "~/server/domain/payments/reconcile-payments.ts";
import { Prisma } from "~/server/generated/prisma/client.ts";

type Deps = DepsOf<"db" | "redis" | "clock" | "payments" | "config" | "saleEngine" | "invalidatePublicPages">;

const LIST_LIMIT = 100;

const unsettledSelect = {
  id: true,
  orderId: true,
  paymentKey: true,
  amount: true,
  status: true,
  statusAt: true,
  checkedAt: true,
  checks: true,
  flaggedAt: true,
  failureCode: true,
  order: { select: { status: true, totalAmount: true, userId: true } },
} satisfies Prisma.PaymentSelect;

type LedgerMismatchRow = { orderId: string; orderStatus: string; totalAmount: number; approvedCount: bigint; approvedAmount: bigint | number | null };

/**
 * The admin's view of money that does not add up yet:
 * - unsettled ledger rows (a lost provider answer, money owed back), oldest first, flagged ones marked: reconciliation
 *   keeps working on them, an admin can ask for a check now;
 * - ledger mismatches, which must never exist: a paid order without exactly one approved charge of its total, or an
 *   approved charge of an order that is not paid;
 * - what reconciliation (or an admin) did lately, from the audit log.
 */
export async function listPaymentDiscrepancies(deps: DepsOf<"db">) {
  const paidStatuses = Prisma.join(PAID_ORDER_STATUSES);
  const [unsettled, paidMismatches, approvedOfUnpaid, recentActions] = await Promise.all([
    deps.db.payment.findMany({ where: { status: { in: ["PENDING", "REFUND_PENDING"] } }, orderBy: [{ flaggedAt: "desc" }, { statusAt: "asc" }], take: LIST_LIMIT, select: unsettledSelect }),
    deps.db.$queryRaw<LedgerMismatchRow[]>`
      SELECT o.\`id\` AS orderId, o.\`status\` AS orderStatus, o.\`totalAmount\` AS totalAmount,
             COUNT(p.\`id\`) AS approvedCount, SUM(p.\`amount\`) AS approvedAmount
      FROM \`Order\` o LEFT JOIN \`Payment\` p ON p.\`orderId\` = o.\`id\` AND p.\`status\` = 'APPROVED'
      WHERE o.\`status\` IN (${paidStatuses})
      GROUP BY o.\`id\`, o.\`status\`, o.\`totalAmount\`
      HAVING COUNT(p.\`id\`) <> 1 OR SUM(p.\`amount\`) <> o.\`totalAmount\`
      LIMIT ${LIST_LIMIT}`,
    deps.db.payment.findMany({
      where: { status: "APPROVED", order: { status: { notIn: [...PAID_ORDER_STATUSES] } } },
      take: LIST_LIMIT,
      select: { id: true, orderId: true, amount: true, order: { select: { status: true } } },
    }),
    deps.db.auditLog.findMany({ where: { action: { in: ["payment.reconcile", "payment.flag"] } }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 50, select: auditEntrySelect }),
  ]);

  return {
    unsettled: unsettled.map(({ order, ...row }) => ({ ...row, orderStatus: order.status, orderTotal: order.totalAmount, isFlagged: row.flaggedAt !== null })),
    mismatches: [
      ...paidMismatches.map((row) => ({
        kind: "PAID_WITHOUT_ONE_CHARGE" as const,
        orderId: row.orderId,
        orderStatus: row.orderStatus,
        detail: { approvedCount: Number(row.approvedCount), approvedAmount: Number(row.approvedAmount ?? 0), totalAmount: row.totalAmount },
      })),
      ...approvedOfUnpaid.map((row) => ({
        kind: "CHARGE_OF_UNPAID_ORDER" as const,
        orderId: row.orderId,
        orderStatus: row.order.status,
        detail: { paymentId: row.id, amount: row.amount },
      })),
    ],
    recentActions,
  };
}

export const recheckPaymentInput = z.object({ paymentId: idField() });
export type RecheckPaymentInput = z.infer<typeof recheckPaymentInput>;

/** "Check now": settles one unsettled row against the provider at once, on the admin's behalf (audit-logged). */
export async function recheckPayment(deps: Deps, input: RecheckPaymentInput & { actorId: string }) {
  const row = await deps.db.payment.findUnique({ where: { id: input.paymentId }, select: { status: true } });
  if (!row) throw new DomainError("NOT_FOUND", "결제 내역을 찾을 수 없습니다.");
  if (row.status !== "PENDING" && row.status !== "REFUND_PENDING") throw new DomainError("INVALID_STATE", "이미 정리된 결제입니다.");
  const result = await reconcilePayment(deps, input.paymentId, { actorId: input.actorId });
  return { paymentId: input.paymentId, result };
}
