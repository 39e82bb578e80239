import type { Metadata } from "next";
import Link from "next/link";

import { seoulDayStart } from "~/app/(admin)/admin/_lib/seoul-time.ts";
import { Pager, queryString } from "~/app/(admin)/admin/_components/pager.tsx";
import { DataTable } from "~/app/(admin)/admin/_components/data-table.tsx";
import { PageHeading, selectClass, tdClass } from "~/app/(admin)/admin/_components/ui.tsx";
import { inputClass } from "~/app/_components/form.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { formatKrw, formatSeoulDateTime } from "~/app/_lib/format.ts";
import { requireAdmin } from "~/app/_lib/require-session.ts";
import { serverCaller } from "~/app/_trpc/server.tsx";
import { parseIdParam } from "~/server/domain/input-rules.ts";
import { OrderStatus } from "~/server/generated/prisma/enums.ts";

export const metadata: Metadata = { title: adminKo.orders.title };

const t = adminKo.orders;
const DAY_MS = 86_400_000;

type OrdersPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function text(value: string | string[] | undefined) {
  return typeof value === "string" ? value.trim() : "";
}

/** The filters as typed in the URL (kept for the form) and as the procedure wants them. Bad values are dropped. */
function parseParams(params: Record<string, string | string[] | undefined>) {
  const raw = { status: text(params.status), saleId: text(params.saleId), from: text(params.from), to: text(params.to), email: text(params.email) };
  const page = /^[1-9]\d{0,3}$/.test(text(params.page)) ? Number(text(params.page)) : 1;
  const status = Object.values(OrderStatus).find((candidate) => candidate === raw.status);
  const saleId = parseIdParam(raw.saleId) ?? undefined;
  const from = seoulDayStart(raw.from) ?? undefined;
  const toDay = seoulDayStart(raw.to);
  // "to" is inclusive of that whole Korean day.
  const to = toDay ? new Date(toDay.getTime() + DAY_MS) : undefined;
  const email = /^[^\s@]{1,64}@[^\s@]{1,120}\.[^\s@]{1,60}$/.test(raw.email) ? raw.email : undefined;
  const userId = /^[a-z0-9]{1,32}$/i.test(text(params.userId)) ? text(params.userId) : undefined;
  const isRangeValid = !from || !to || from < to;
  return { raw, input: { page, status, saleId, from: isRangeValid ? from : undefined, to: isRangeValid ? to : undefined, email, userId } };
}

export default async function AdminOrdersPage({ searchParams }: OrdersPageProps) {
  await requireAdmin("/admin/orders");
  const { raw, input } = parseParams(await searchParams);
  const data = await (await serverCaller()).adminOrder.list(input);
  const keep = { status: input.status, saleId: input.saleId, from: raw.from || undefined, to: raw.to || undefined, email: input.email, userId: input.userId };

  return (
    <>
      <PageHeading>{t.heading}</PageHeading>
      <form method="get" action="/admin/orders" role="search" aria-label={t.filters} className="mb-4 grid gap-3 rounded-xl border border-zinc-200 bg-white p-4 sm:grid-cols-3 lg:grid-cols-[9rem_7rem_9rem_9rem_1fr_auto] lg:items-end">
        <label className="text-sm font-medium text-zinc-800">
          {t.status}
          <select name="status" defaultValue={input.status ?? ""} className={selectClass}>
            <option value="">{adminKo.common.all}</option>
            {Object.values(OrderStatus).map((status) => (
              <option key={status} value={status}>
                {adminKo.orderStatus[status]}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm font-medium text-zinc-800">
          {t.saleId}
          <input name="saleId" type="number" min={1} defaultValue={raw.saleId} className={inputClass} />
        </label>
        <label className="text-sm font-medium text-zinc-800">
          {t.from}
          <input name="from" type="date" defaultValue={raw.from} className={inputClass} />
        </label>
        <label className="text-sm font-medium text-zinc-800">
          {t.to}
          <input name="to" type="date" defaultValue={raw.to} className={inputClass} />
        </label>
        <label className="text-sm font-medium text-zinc-800 lg:col-span-1">
          {t.email}
          <input name="email" type="email" defaultValue={raw.email} className={inputClass} autoComplete="off" />
        </label>
        {input.userId ? <input type="hidden" name="userId" value={input.userId} /> : null}
        <div className="flex gap-2">
          <button type="submit" className="h-11 whitespace-nowrap rounded-lg bg-zinc-900 px-5 text-sm font-semibold text-white hover:bg-zinc-700">
            {adminKo.common.search}
          </button>
          <Link href="/admin/orders" className="inline-flex h-11 items-center whitespace-nowrap rounded-lg border border-zinc-300 px-4 text-sm hover:bg-zinc-100">
            {adminKo.common.reset}
          </Link>
        </div>
      </form>

      <p className="mb-2 text-sm text-zinc-600">{adminKo.common.total(data.total)}</p>
      <DataTable label={t.listLabel} columns={Object.values(t.columns)} isEmpty={data.items.length === 0}>
        {data.items.map((order) => (
          <tr key={order.id}>
            <th scope="row" className={`${tdClass} font-mono text-xs break-all`}>
              <Link href={`/admin/orders/${order.id}`} className="text-brand-700 hover:underline">
                {order.id}
              </Link>
            </th>
            <td className={tdClass}>
              {order.title}
              {order.lineCount > 1 ? t.more(order.lineCount - 1) : ""}
            </td>
            <td className={`${tdClass} whitespace-nowrap`}>{adminKo.orderStatus[order.status]}</td>
            <td className={`${tdClass} whitespace-nowrap`}>{order.saleId ? `#${order.saleId}` : "-"}</td>
            <td className={`${tdClass} whitespace-nowrap`}>{formatKrw(order.totalAmount)}</td>
            <td className={`${tdClass} font-mono text-xs`}>
              <Link href={`/admin/users/${order.userId}`} className="hover:underline">
                {order.userId}
              </Link>
            </td>
            <td className={`${tdClass} whitespace-nowrap`}>{formatSeoulDateTime(order.createdAt)}</td>
          </tr>
        ))}
      </DataTable>
      <Pager page={data.page} pageCount={data.pageCount} hrefFor={(page) => `/admin/orders${queryString({ ...keep, page })}`} />
    </>
  );
}
