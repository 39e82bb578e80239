"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";

import { LedgerMismatches } from "~/app/(admin)/admin/payments/ledger-mismatches.tsx";
import { PaymentActions } from "~/app/(admin)/admin/payments/payment-actions.tsx";
import { DataTable } from "~/app/(admin)/admin/_components/data-table.tsx";
import { Badge, Card, tdClass } from "~/app/(admin)/admin/_components/ui.tsx";
import { FormMessage } from "~/app/_components/form.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { formErrorMessage } from "~/app/_lib/form-errors.ts";
import { formatKrw, formatSeoulDateTime } from "~/app/_lib/format.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";
import type { AppRouter } from "~/server/api/root.ts";

const t = adminKo.payments;

type UnsettledPayment = inferRouterOutputs<AppRouter>["adminPayment"]["discrepancies"]["unsettled"][number];

function UnsettledRow({ payment, isBusy, isRechecking, onRecheck }: { payment: UnsettledPayment; isBusy: boolean; isRechecking: boolean; onRecheck: () => void }) {
  return (
    <tr data-testid="unsettled-payment-row" className={payment.isFlagged ? "bg-red-50/40" : undefined}>
      <th scope="row" className={`${tdClass} whitespace-nowrap font-normal`}>
        {t.paymentNumber(String(payment.id))}
        <Link href={`/admin/orders/${payment.orderId}`} className="block font-mono text-xs text-brand-700 hover:underline">
          {payment.orderId}
        </Link>
        <span className="text-xs text-zinc-500">{adminKo.orderStatus[payment.orderStatus] ?? payment.orderStatus}</span>
      </th>
      <td className={`${tdClass} whitespace-nowrap`}>
        <span className="flex flex-col items-start gap-1">
          <Badge tone="warn">{adminKo.orders.paymentStatus[payment.status] ?? payment.status}</Badge>
          {payment.isFlagged ? (
            <span data-testid="payment-flagged">
              <Badge tone="bad">{t.flagged}</Badge>
            </span>
          ) : null}
        </span>
      </td>
      <td className={`${tdClass} whitespace-nowrap`}>
        {formatKrw(payment.amount)}
        {/* A charge of another amount than the order's cannot pay it; reconciliation refunds it. */}
        {payment.amount === payment.orderTotal ? null : <p className="text-xs text-red-700">{t.orderTotal(formatKrw(payment.orderTotal))}</p>}
      </td>
      <td className={`${tdClass} whitespace-nowrap`}>{formatSeoulDateTime(payment.statusAt)}</td>
      <td className={`${tdClass} whitespace-nowrap`}>
        {t.checks(payment.checks)}
        <p className="text-xs text-zinc-500">{payment.checkedAt ? t.lastCheck(formatSeoulDateTime(payment.checkedAt)) : t.neverChecked}</p>
      </td>
      <td className={tdClass}>
        <button
          type="button"
          onClick={onRecheck}
          disabled={isBusy}
          aria-label={`${t.recheck} #${payment.id}`}
          className="h-9 whitespace-nowrap rounded-lg bg-zinc-900 px-3 text-sm font-semibold text-white hover:bg-zinc-700 disabled:opacity-60"
        >
          {isRechecking ? t.rechecking : t.recheck}
        </button>
      </td>
    </tr>
  );
}

/**
 * Money that does not add up yet, refreshed every five seconds like the system page: unsettled ledger rows with a
 * "check now" each, ledger mismatches (normally none) and what reconciliation did lately. After a check, success or
 * refusal, the lists are fetched again: a refusal usually means the sweep settled the row first.
 */
export function PaymentDiscrepancies() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data, dataUpdatedAt } = useSuspenseQuery({ ...trpc.adminPayment.discrepancies.queryOptions(), refetchInterval: 5_000 });
  const recheck = useMutation(
    trpc.adminPayment.recheck.mutationOptions({
      onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.adminPayment.discrepancies.queryKey() }),
    }),
  );
  const recheckError = formErrorMessage(recheck.error) ?? (recheck.isError ? adminKo.common.genericError : null);
  const flaggedCount = data.unsettled.filter((payment) => payment.isFlagged).length;

  return (
    <div className="space-y-4">
      <p className="text-xs text-zinc-500">
        {t.refresh} · {adminKo.common.updatedAt(formatSeoulDateTime(dataUpdatedAt))}
      </p>
      <Card
        title={
          <span className="flex items-center gap-2">
            {t.unsettled}
            <Badge tone={flaggedCount > 0 ? "bad" : data.unsettled.length > 0 ? "warn" : "good"}>
              <span data-testid="unsettled-count">{t.itemCount(data.unsettled.length)}</span>
            </Badge>
          </span>
        }
      >
        <p className="mb-3 text-sm text-zinc-600">{t.unsettledIntro}</p>
        {recheck.isSuccess ? (
          <div className="mb-3">
            <FormMessage tone={recheck.data.result === "unresolved" ? "info" : "success"} testId="recheck-result">
              {t.recheckResult(recheck.data.paymentId, t.recheckResults[recheck.data.result] ?? recheck.data.result)}
            </FormMessage>
          </div>
        ) : null}
        {recheckError ? (
          <div className="mb-3">
            <FormMessage tone="error" testId="recheck-error">
              {recheckError}
            </FormMessage>
          </div>
        ) : null}
        {data.unsettled.length === 0 ? (
          <p className="text-sm text-zinc-500" data-testid="unsettled-empty">
            {t.unsettledEmpty}
          </p>
        ) : (
          <DataTable label={t.unsettledListLabel} columns={Object.values(t.unsettledColumns)} framed={false}>
            {data.unsettled.map((payment) => (
              <UnsettledRow
                key={payment.id}
                payment={payment}
                isBusy={recheck.isPending}
                isRechecking={recheck.isPending && recheck.variables.paymentId === payment.id}
                onRecheck={() => recheck.mutate({ paymentId: payment.id })}
              />
            ))}
          </DataTable>
        )}
      </Card>
      <Card
        title={
          <span className="flex items-center gap-2">
            {t.mismatches}
            <Badge tone={data.mismatches.length > 0 ? "bad" : "good"}>
              <span data-testid="mismatch-count">{t.itemCount(data.mismatches.length)}</span>
            </Badge>
          </span>
        }
      >
        <LedgerMismatches mismatches={data.mismatches} />
      </Card>
      <Card title={t.recentActions}>
        <PaymentActions entries={data.recentActions} />
      </Card>
    </div>
  );
}
