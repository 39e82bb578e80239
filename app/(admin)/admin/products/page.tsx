import type { Metadata } from "next";
import Link from "next/link";

import { Pager, queryString } from "~/app/(admin)/admin/_components/pager.tsx";
import { DataTable } from "~/app/(admin)/admin/_components/data-table.tsx";
import { Badge, PageHeading, linkButtonClass, selectClass, tdClass } from "~/app/(admin)/admin/_components/ui.tsx";
import { inputClass } from "~/app/_components/form.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { formatKrw, formatSeoulDateTime } from "~/app/_lib/format.ts";
import { requireAdmin } from "~/app/_lib/require-session.ts";
import { serverCaller } from "~/app/_trpc/server.tsx";
import { PRODUCT_STATUSES } from "~/server/domain/admin/products/product-fields.ts";

export const metadata: Metadata = { title: adminKo.products.title };

const t = adminKo.products;

type ProductsPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function parseParams(params: Record<string, string | string[] | undefined>) {
  const page = typeof params.page === "string" && /^[1-9]\d{0,3}$/.test(params.page) ? Number(params.page) : 1;
  const query = typeof params.query === "string" && params.query.trim() ? params.query.trim().slice(0, 100) : undefined;
  const status = PRODUCT_STATUSES.find((candidate) => candidate === params.status);
  return { page, query, status };
}

export default async function AdminProductsPage({ searchParams }: ProductsPageProps) {
  await requireAdmin("/admin/products");
  const filters = parseParams(await searchParams);
  const data = await (await serverCaller()).adminProduct.list(filters);

  return (
    <>
      <PageHeading
        actions={
          <Link href="/admin/products/new" className={linkButtonClass}>
            {t.create}
          </Link>
        }
      >
        {t.heading}
      </PageHeading>

      <form method="get" action="/admin/products" role="search" className="mb-4 grid gap-3 rounded-xl border border-zinc-200 bg-white p-4 sm:grid-cols-[1fr_10rem_auto] sm:items-end">
        <label className="text-sm font-medium text-zinc-800">
          {t.searchLabel}
          <input name="query" type="search" defaultValue={filters.query ?? ""} maxLength={100} className={inputClass} />
        </label>
        <label className="text-sm font-medium text-zinc-800">
          {t.statusLabel}
          <select name="status" defaultValue={filters.status ?? ""} className={selectClass}>
            <option value="">{adminKo.common.all}</option>
            {PRODUCT_STATUSES.map((status) => (
              <option key={status} value={status}>
                {adminKo.productStatus[status]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="h-11 rounded-lg bg-zinc-900 px-5 text-sm font-semibold text-white hover:bg-zinc-700">
          {adminKo.common.search}
        </button>
      </form>

      <p className="mb-2 text-sm text-zinc-600">{adminKo.common.total(data.total)}</p>
      <DataTable label={t.listLabel} columns={Object.values(t.columns)} isEmpty={data.items.length === 0}>
        {data.items.map((product) => (
          <tr key={product.id}>
            <td className={tdClass}>{product.id}</td>
            <td className={tdClass}>
              <img src={product.imageUrl} alt="" width={40} height={40} className="size-10 rounded border border-zinc-200 object-cover" />
            </td>
            <th scope="row" className={`${tdClass} font-medium`}>
              <Link href={`/admin/products/${product.id}`} className="text-brand-700 hover:underline">
                {product.name}
              </Link>
            </th>
            <td className={tdClass}>{product.category.name}</td>
            <td className={tdClass}>{formatKrw(product.price)}</td>
            <td className={tdClass}>{product.stock.toLocaleString("ko-KR")}</td>
            <td className={tdClass}>
              <Badge tone={product.status === "AVAILABLE" ? "good" : product.status === "SOLD_OUT" ? "warn" : "neutral"}>{adminKo.productStatus[product.status]}</Badge>
            </td>
            <td className={tdClass}>{formatSeoulDateTime(product.updatedAt)}</td>
          </tr>
        ))}
      </DataTable>
      <Pager page={data.page} pageCount={data.pageCount} hrefFor={(page) => `/admin/products${queryString({ query: filters.query, status: filters.status, page })}`} />
    </>
  );
}
