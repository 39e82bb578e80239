"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import Image from "next/image";
import Link from "next/link";

import { OrderStatusBadge } from "~/app/(shop)/account/orders/order-status-badge.tsx";
import { orderStatusLabels, ordersKo } from "~/app/_i18n/orders.ts";
import { formatKrw, formatSeoulDateTime } from "~/app/_lib/format.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";
import type { OrderStatus } from "~/server/generated/prisma/enums.ts";

const t = ordersKo.list;
const FILTERS = Object.keys(orderStatusLabels) as OrderStatus[];

function listHref(status: OrderStatus | undefined, page = 1) {
  const params = new URLSearchParams();
  if (status) params.set("status", status);
  if (page > 1) params.set("page", String(page));
  const query = params.toString();
  return query ? `/account/orders?${query}` : "/account/orders";
}

/** The buyer's orders, newest first, with a status filter (links, so every view has its own URL). */
export function OrderList({ status, page }: { status: OrderStatus | undefined; page: number }) {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery(trpc.order.list.queryOptions({ status, page }));

  return (
    <>
      <nav aria-label={t.filterLabel} className="mb-6 flex flex-wrap gap-2">
        {[undefined, ...FILTERS].map((filter) => (
          <Link
            key={filter ?? "all"}
            href={listHref(filter)}
            aria-current={filter === status ? "page" : undefined}
            className={`rounded-full border px-3 py-1.5 text-sm ${filter === status ? "border-zinc-900 bg-zinc-900 text-white" : "border-zinc-300 text-zinc-700 hover:bg-zinc-100"}`}
          >
            {filter ? orderStatusLabels[filter] : t.all}
          </Link>
        ))}
      </nav>

      <p className="mb-3 text-sm text-zinc-600">{t.total(data.total)}</p>
      {data.items.length === 0 ? (
        <div className="rounded-xl border border-dashed border-zinc-300 bg-white py-16 text-center">
          <p className="text-zinc-600">{t.empty}</p>
          <Link href="/" className="mt-4 inline-block text-sm font-medium text-brand-600 hover:underline">
            {t.browse}
          </Link>
        </div>
      ) : (
        <ul aria-label={t.listLabel} className="space-y-3">
          {data.items.map((order) => {
            const [first, ...others] = order.items;
            const title = `${first?.productName ?? ""}${others.length > 0 ? t.more(others.length) : ""}`;
            return (
              <li key={order.id} data-testid="order-row" className="flex items-center gap-4 rounded-xl border border-zinc-200 bg-white p-4">
                <div className="size-16 shrink-0 overflow-hidden rounded-lg border border-zinc-200 bg-zinc-100">
                  {first ? <Image src={first.product.imageUrl} alt="" width={128} height={128} unoptimized className="size-full object-cover" /> : null}
                </div>
                <div className="min-w-0 flex-1">
                  <div className="flex flex-wrap items-center gap-2">
                    <OrderStatusBadge status={order.status} />
                    <span className="text-xs text-zinc-500">
                      {t.orderedAt} {formatSeoulDateTime(order.createdAt)}
                    </span>
                  </div>
                  <h2 className="mt-1 truncate text-sm font-semibold text-zinc-900">
                    <Link href={`/account/orders/${order.id}`} className="hover:underline">
                      {title}
                    </Link>
                  </h2>
                  <p className="text-sm font-bold text-zinc-900">{formatKrw(order.totalAmount)}</p>
                </div>
                {order.status === "PENDING_PAYMENT" ? (
                  <Link href={`/orders/${order.id}/pay`} className="shrink-0 rounded-lg bg-brand-600 px-3 py-2 text-sm font-semibold text-white hover:bg-brand-700">
                    {t.pay}
                  </Link>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}

      {data.pageCount > 1 ? (
        <nav aria-label={t.pagination} className="mt-6 flex justify-center gap-3 text-sm">
          {data.page > 1 ? <Link href={listHref(status, data.page - 1)} className="rounded-md border border-zinc-300 px-3 py-1.5 hover:bg-zinc-100">{t.previous}</Link> : null}
          <span className="px-2 py-1.5 text-zinc-600">
            {data.page} / {data.pageCount}
          </span>
          {data.page < data.pageCount ? <Link href={listHref(status, data.page + 1)} className="rounded-md border border-zinc-300 px-3 py-1.5 hover:bg-zinc-100">{t.next}</Link> : null}
        </nav>
      ) : null}
    </>
  );
}
