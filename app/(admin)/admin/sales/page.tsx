import type { Metadata } from "next";
import Link from "next/link";

import { DataTable } from "~/app/(admin)/admin/_components/data-table.tsx";
import { Badge, PageHeading, linkButtonClass, tdClass } from "~/app/(admin)/admin/_components/ui.tsx";
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
      <DataTable label={t.listLabel} columns={Object.values(t.columns)} isEmpty={sales.length === 0}>
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
      </DataTable>
    </>
  );
}
