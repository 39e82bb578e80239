import type { Metadata } from "next";
import Link from "next/link";

import { Badge, PageHeading, linkButtonClass, tableClass, tdClass, thClass } from "~/app/(admin)/admin/_components/ui.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { formatSeoulDateTime } from "~/app/_lib/format.ts";
import { requireAdmin } from "~/app/_lib/require-session.ts";
import { serverCaller } from "~/app/_trpc/server.tsx";

export const metadata: Metadata = { title: adminKo.sales.title };

const t = adminKo.sales;

export default async function AdminSalesPage() {
  await requireAdmin("/admin/sales");
  const sales = await (await serverCaller()).adminSale.list();

  return (
    <>
      <PageHeading
        actions={
          <Link href="/admin/sales/new" className={linkButtonClass}>
            {t.create}
          </Link>
        }
      >
        {t.heading}
      </PageHeading>
      <div className="overflow-x-auto rounded-xl border border-zinc-200 bg-white">
        <table className={tableClass} aria-label={t.listLabel}>
          <thead className="bg-zinc-50">
            <tr>
              {Object.values(t.columns).map((label) => (
                <th key={label} scope="col" className={thClass}>
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {sales.map((sale) => (
              <tr key={sale.id}>
                <td className={tdClass}>#{sale.id}</td>
                <th scope="row" className={`${tdClass} font-medium`}>
                  <Link href={`/admin/sales/${sale.id}`} className="text-brand-700 hover:underline">
                    {sale.product.name}
                  </Link>
                </th>
                <td className={tdClass}>
                  <Badge tone={sale.state === "OPEN" ? "good" : sale.state === "PAUSED" ? "warn" : "neutral"}>{adminKo.saleState[sale.state]}</Badge>
                </td>
                <td className={tdClass}>{formatSeoulDateTime(sale.opensAt)}</td>
                <td className={tdClass}>{sale.quantity.toLocaleString("ko-KR")}</td>
                <td className={tdClass}>{sale.soldCount.toLocaleString("ko-KR")}</td>
                <td className={`${tdClass} space-x-3 whitespace-nowrap`}>
                  <Link href={`/admin/sales/${sale.id}`} className="text-brand-700 hover:underline">
                    {t.monitor}
                  </Link>
                  <Link href={`/admin/sales/${sale.id}/report`} className="text-brand-700 hover:underline">
                    {t.report}
                  </Link>
                  {sale.state === "SCHEDULED" ? (
                    <Link href={`/admin/sales/${sale.id}/edit`} className="text-brand-700 hover:underline">
                      {t.edit}
                    </Link>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {sales.length === 0 ? <p className="p-6 text-center text-sm text-zinc-500">{adminKo.common.empty}</p> : null}
      </div>
    </>
  );
}
