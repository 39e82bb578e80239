"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";

import { AuditTable } from "~/app/(admin)/admin/_components/audit-table.tsx";
import { Badge, Card, PageHeading, tableClass, tdClass, thClass } from "~/app/(admin)/admin/_components/ui.tsx";
import { FormMessage } from "~/app/_components/form.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { fieldErrorsFromServer, formErrorMessage } from "~/app/_lib/form-errors.ts";
import { formatKrw, formatSeoulDateTime } from "~/app/_lib/format.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";

const t = adminKo.orders;
const TIME_FIELDS = ["createdAt", "paymentDueAt", "paidAt", "shippedAt", "deliveredAt", "confirmedAt", "expiredAt", "cancelledAt", "returnRequestedAt", "returnedAt"] as const;

/** Any buyer's order for the admin: lines, payments, timestamps, and cancel/refund with a recorded reason. */
export function OrderDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: order } = useSuspenseQuery(trpc.adminOrder.get.queryOptions({ id }));
  const [reason, setReason] = useState("");
  const cancel = useMutation(
    trpc.adminOrder.cancel.mutationOptions({
      onSuccess: () => {
        setReason("");
        void queryClient.invalidateQueries({ queryKey: trpc.adminOrder.get.queryKey({ id }) });
      },
    }),
  );
  const reasonError = fieldErrorsFromServer(cancel.error).reason;
  const cancelError = formErrorMessage(cancel.error);

  return (
    <>
      <Link href="/admin/orders" className="text-sm text-zinc-600 hover:underline">
        {t.back}
      </Link>
      <PageHeading>{t.detailTitle(order.id)}</PageHeading>
      <p className="mb-4 flex flex-wrap items-center gap-3 text-sm">
        <Badge tone={order.status === "CANCELLED" || order.status === "EXPIRED" ? "neutral" : "good"}>{adminKo.orderStatus[order.status]}</Badge>
        <span className="font-semibold">{formatKrw(order.totalAmount)}</span>
        {order.saleId ? (
          <Link href={`/admin/sales/${order.saleId}`} className="text-brand-700 hover:underline">
            {adminKo.orders.columns.sale} #{order.saleId}
          </Link>
        ) : null}
        <span>
          {t.buyer}:{" "}
          <Link href={`/admin/users/${order.userId}`} className="font-mono text-xs text-brand-700 hover:underline">
            {order.userId}
          </Link>
        </span>
      </p>
      <p className="mb-4 text-xs text-zinc-500">{t.noPii}</p>

      <div className="grid gap-4 lg:grid-cols-2">
        <Card title={t.items}>
          <table className={tableClass}>
            <tbody className="divide-y divide-zinc-100">
              {order.items.map((item) => (
                <tr key={item.id}>
                  <td className={tdClass}>{item.productName}</td>
                  <td className={tdClass}>
                    {formatKrw(item.unitPrice)} × {item.quantity}
                  </td>
                  <td className={`${tdClass} text-right font-medium`}>{formatKrw(item.lineTotal)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <Card title={t.timeline}>
          <dl className="grid grid-cols-[7rem_1fr] gap-y-1 text-sm">
            {TIME_FIELDS.filter((field) => order[field]).map((field) => (
              <div key={field} className="contents">
                <dt className="text-zinc-500">{t.times[field]}</dt>
                <dd>{formatSeoulDateTime(order[field]!)}</dd>
              </div>
            ))}
            {order.cancelReason ? (
              <>
                <dt className="text-zinc-500">{t.cancelReason}</dt>
                <dd>{order.cancelReason}</dd>
              </>
            ) : null}
          </dl>
        </Card>
      </div>

      <Card title={t.payments} className="mt-4">
        {order.payments.length === 0 ? (
          <p className="text-sm text-zinc-500">{adminKo.common.none}</p>
        ) : (
          <table className={tableClass}>
            <thead>
              <tr>
                <th scope="col" className={thClass}>#</th>
                <th scope="col" className={thClass}>{t.status}</th>
                <th scope="col" className={thClass}>{adminKo.orders.columns.total}</th>
                <th scope="col" className={thClass}>{t.times.createdAt}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {order.payments.map((payment) => (
                <tr key={payment.id}>
                  <td className={tdClass}>{payment.id}</td>
                  <td className={tdClass}>
                    {t.paymentStatus[payment.status] ?? payment.status}
                    {payment.failureCode ? ` (${payment.failureCode})` : ""}
                  </td>
                  <td className={tdClass}>{formatKrw(payment.amount)}</td>
                  <td className={tdClass}>{formatSeoulDateTime(payment.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>

      <Card title={t.cancelHeading} className="mt-4">
        <p className="mb-3 text-sm text-zinc-600">{t.cancelHint}</p>
        {cancel.isSuccess ? (
          <div className="mb-3">
            <FormMessage tone="success" testId="order-cancelled">
              {t.cancelled(cancel.data.isRefundRequested)}
            </FormMessage>
          </div>
        ) : null}
        {order.canCancel ? (
          <form
            className="space-y-3"
            onSubmit={(event) => {
              event.preventDefault();
              if (window.confirm(t.cancelConfirm)) cancel.mutate({ id: order.id, reason });
            }}
          >
            <label className="block text-sm font-medium text-zinc-800">
              {t.reason}
              <textarea
                value={reason}
                onChange={(event) => setReason(event.target.value)}
                rows={2}
                maxLength={150}
                aria-invalid={reasonError ? true : undefined}
                className="mt-1 block w-full rounded-lg border border-zinc-300 px-3 py-2 text-zinc-900 focus:border-brand-600 focus:outline-none aria-[invalid=true]:border-red-500"
              />
            </label>
            {reasonError ? <p className="text-sm text-red-600">{reasonError}</p> : null}
            {cancelError ? <FormMessage tone="error">{cancelError}</FormMessage> : null}
            <button type="submit" disabled={cancel.isPending} className="h-10 rounded-lg bg-red-600 px-4 text-sm font-semibold text-white hover:bg-red-700 disabled:opacity-60">
              {t.cancelSubmit}
            </button>
          </form>
        ) : (
          <p className="text-sm text-zinc-500">{t.notCancellable}</p>
        )}
      </Card>

      <Card title={t.audit} className="mt-4">
        <AuditTable entries={order.audit} />
      </Card>
    </>
  );
}
