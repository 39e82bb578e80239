"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Image from "next/image";
import Link from "next/link";
import { useState } from "react";

import { OrderStatusBadge } from "~/app/(shop)/account/orders/order-status-badge.tsx";
import { ordersKo } from "~/app/_i18n/orders.ts";
import { formatKrw, formatSeoulDateTime } from "~/app/_lib/format.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";
import type { OrderStatus } from "~/server/generated/prisma/enums.ts";

const t = ordersKo.detail;

/** Statuses that advance by themselves: the page refreshes now and then to show the next step. */
const MOVING_STATUSES: OrderStatus[] = ["PENDING_PAYMENT", "PAID", "SHIPPING", "RETURN_REQUESTED"];

type PendingAction = "cancel" | "return" | null;

/**
 * Order detail. Cancel and return appear only when the server says they are allowed right now (canCancel,
 * canRequestReturn are computed with the server clock); each asks for a second click before it is sent.
 */
export function OrderDetail({ orderId, isArrivingFromPayment = false }: { orderId: string; isArrivingFromPayment?: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: order } = useSuspenseQuery({
    ...trpc.order.get.queryOptions({ id: orderId }),
    refetchInterval: (query) => (query.state.data && MOVING_STATUSES.includes(query.state.data.status) ? 5_000 : false),
  });
  const [confirming, setConfirming] = useState<PendingAction>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.order.pathKey() });
  const cancel = useMutation(
    trpc.order.cancel.mutationOptions({
      onSuccess: async () => {
        setConfirming(null);
        setNotice(t.cancelled);
        await refresh();
      },
      onError: () => void refresh(),
    }),
  );
  const requestReturn = useMutation(
    trpc.order.requestReturn.mutationOptions({
      onSuccess: async () => {
        setConfirming(null);
        setNotice(t.returnRequested);
        await refresh();
      },
      onError: () => void refresh(),
    }),
  );
  const actionError = cancel.error ?? requestReturn.error;
  // Only a paid order earns the banner: a stale ?paid=1 on an unpaid or expired order says nothing.
  const showPaidBanner = isArrivingFromPayment && order.paidAt !== null && order.status !== "PENDING_PAYMENT";
  const nextStep = t.next[order.status];

  return (
    <div className="grid gap-8 lg:grid-cols-[1fr_20rem]">
      <div className="space-y-8">
        {showPaidBanner ? (
          <div role="status" data-testid="paid-banner" className="flex items-start gap-3 rounded-xl border border-emerald-200 bg-emerald-50 p-5 text-emerald-900">
            <span aria-hidden="true" className="grid size-8 shrink-0 place-items-center rounded-full bg-emerald-700 text-white">
              ✓
            </span>
            <div>
              <p className="text-lg font-bold">{ordersKo.pay.success}</p>
              <p className="mt-1 text-sm">{t.paidNote(formatKrw(order.totalAmount))}</p>
            </div>
          </div>
        ) : null}
        <section aria-labelledby="order-status-heading" className="rounded-xl border border-zinc-200 bg-white p-5">
          <h2 id="order-status-heading" className="sr-only">
            {t.status}
          </h2>
          <div className="flex flex-wrap items-center justify-between gap-3">
            <div className="flex items-center gap-3">
              <OrderStatusBadge status={order.status} />
              <span className="font-mono text-xs text-zinc-500">{order.id}</span>
            </div>
            {nextStep && order.dueAt ? (
              <p className="text-sm text-zinc-600">
                {nextStep}: {formatSeoulDateTime(order.status === "PENDING_PAYMENT" ? order.paymentDueAt : order.dueAt)}
              </p>
            ) : null}
          </div>

          {notice ? (
            <p role="status" className="mt-4 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
              {notice}
            </p>
          ) : null}
          {actionError ? (
            <p role="alert" data-testid="order-action-error" className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
              {actionError.message || t.failed}
            </p>
          ) : null}

          <div className="mt-4 flex flex-wrap gap-2">
            {order.canPay ? (
              <Link href={`/orders/${order.id}/pay`} className="rounded-lg bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700">
                {t.pay}
              </Link>
            ) : null}
            {order.canCancel ? (
              <button type="button" onClick={() => setConfirming("cancel")} className="rounded-lg border border-zinc-300 px-4 py-2 text-sm font-semibold text-zinc-800 hover:bg-zinc-100">
                {t.cancel}
              </button>
            ) : null}
            {order.canRequestReturn ? (
              <button type="button" onClick={() => setConfirming("return")} className="rounded-lg border border-zinc-300 px-4 py-2 text-sm font-semibold text-zinc-800 hover:bg-zinc-100">
                {t.requestReturn}
              </button>
            ) : null}
          </div>

          {confirming ? (
            <div role="group" aria-label={confirming === "cancel" ? t.cancel : t.requestReturn} className="mt-4 rounded-lg border border-amber-200 bg-amber-50 p-4">
              <p className="text-sm text-amber-900">{confirming === "cancel" ? t.cancelConfirm : t.returnConfirm}</p>
              <div className="mt-3 flex gap-2">
                <button
                  type="button"
                  disabled={cancel.isPending || requestReturn.isPending}
                  onClick={() => (confirming === "cancel" ? cancel.mutate({ id: order.id }) : requestReturn.mutate({ id: order.id }))}
                  className="rounded-lg bg-zinc-900 px-4 py-2 text-sm font-semibold text-white hover:bg-zinc-700 disabled:opacity-50"
                >
                  {confirming === "cancel" ? t.confirmCancel : t.confirmReturn}
                </button>
                <button type="button" onClick={() => setConfirming(null)} className="rounded-lg px-4 py-2 text-sm text-zinc-700 hover:bg-amber-100">
                  {t.close}
                </button>
              </div>
            </div>
          ) : null}
        </section>

        <section aria-labelledby="order-items-heading">
          <h2 id="order-items-heading" className="text-lg font-semibold text-zinc-900">
            {t.items}
          </h2>
          <ul className="mt-3 divide-y divide-zinc-200 rounded-xl border border-zinc-200 bg-white">
            {order.items.map((item) => (
              <li key={item.id} className="flex items-center gap-4 p-4">
                <div className="size-14 shrink-0 overflow-hidden rounded-lg border border-zinc-200 bg-zinc-100">
                  <Image src={item.product.imageUrl} alt="" width={112} height={112} unoptimized className="size-full object-cover" />
                </div>
                <div className="min-w-0 flex-1">
                  <p className="truncate text-sm font-semibold text-zinc-900">{item.productName}</p>
                  <p className="text-xs text-zinc-500">
                    {formatKrw(item.unitPrice)} × {item.quantity}
                  </p>
                </div>
                <p className="text-sm font-semibold text-zinc-900">{formatKrw(item.lineTotal)}</p>
              </li>
            ))}
          </ul>
        </section>

        <section aria-labelledby="order-timeline-heading">
          <h2 id="order-timeline-heading" className="text-lg font-semibold text-zinc-900">
            {t.timeline}
          </h2>
          <ol aria-label={t.timeline} className="mt-3 space-y-3 border-l-2 border-zinc-200 pl-5">
            {order.timeline.map((entry) => (
              <li key={entry.step} data-testid="timeline-step" className="relative">
                <span aria-hidden="true" className="absolute top-1.5 -left-[27px] size-3 rounded-full bg-brand-600" />
                <p className="text-sm font-semibold text-zinc-900">{t.steps[entry.step]}</p>
                <p className="text-xs text-zinc-500">{formatSeoulDateTime(entry.at)}</p>
              </li>
            ))}
          </ol>
        </section>
      </div>

      <aside className="space-y-6">
        <section aria-labelledby="order-payment-heading" className="rounded-xl border border-zinc-200 bg-white p-5">
          <h2 id="order-payment-heading" className="text-base font-semibold text-zinc-900">
            {t.payment}
          </h2>
          <dl className="mt-3 flex items-baseline justify-between">
            <dt className="text-sm text-zinc-600">{t.totalAmount}</dt>
            <dd data-testid="order-total" className="text-xl font-bold text-zinc-900">
              {formatKrw(order.totalAmount)}
            </dd>
          </dl>
          {order.refund ? (
            <p data-testid="order-refund" className="mt-3 rounded-md bg-zinc-50 px-3 py-2 text-sm text-zinc-700">
              {order.refund.refundedAt ? t.refunded(formatKrw(order.refund.amount)) : t.refundPending(formatKrw(order.refund.amount))}
            </p>
          ) : null}
          {order.payments.length > 0 ? (
            <>
              <h3 className="mt-4 text-xs font-semibold text-zinc-500">{t.attempts}</h3>
              <ul className="mt-2 space-y-1 text-xs text-zinc-600">
                {order.payments.map((payment) => (
                  <li key={payment.id}>
                    {formatSeoulDateTime(payment.createdAt)} · {t.paymentStatus[payment.status]}
                    {payment.failureMessage && payment.status !== "REFUNDED" ? ` (${payment.failureMessage})` : ""}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>

        <section aria-labelledby="order-shipping-heading" className="rounded-xl border border-zinc-200 bg-white p-5">
          <h2 id="order-shipping-heading" className="text-base font-semibold text-zinc-900">
            {t.shipping}
          </h2>
          {order.shippingAddress ? (
            <address className="mt-3 text-sm not-italic text-zinc-700">
              <span className="block font-medium text-zinc-900">{order.shippingAddress.recipient}</span>
              <span className="block">{order.shippingAddress.phone}</span>
              <span className="block">
                ({order.shippingAddress.postalCode}) {order.shippingAddress.address1} {order.shippingAddress.address2 ?? ""}
              </span>
            </address>
          ) : (
            <p className="mt-3 text-sm text-zinc-500">{t.noShipping}</p>
          )}
        </section>
      </aside>
    </div>
  );
}
