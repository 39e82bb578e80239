import Link from "next/link";

import { SaleStripState } from "~/app/(shop)/_components/sale-strip-state.tsx";
import { saleStrings as t } from "~/app/_i18n/sale.ts";
import { formatKrw, formatSeoulDateTime } from "~/app/_lib/format.ts";
import { serverCaller } from "~/app/_trpc/server.tsx";

/** Open and upcoming flash sales, above the catalog: the storefront's main event. Each one's state is live (SaleStripState). */
export async function SalesStrip() {
  const sales = await (await serverCaller()).sale.list();
  if (sales.length === 0) return null;
  return (
    <section aria-labelledby="sales-strip-heading" className="mb-10">
      <h2 id="sales-strip-heading" className="text-lg font-bold text-zinc-900">
        {t.stripHeading}
      </h2>
      <ul className="mt-3 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {sales.map((sale) => (
          <li key={sale.id}>
            <Link href={`/sales/${sale.id}`} className="flex gap-4 rounded-2xl border border-rose-200 bg-rose-50/60 p-4 transition hover:border-rose-400">
              <img src={sale.product.imageUrl} alt="" width={80} height={80} className="h-20 w-20 rounded-xl bg-white object-cover" />
              <div className="min-w-0">
                <p className="truncate font-semibold text-zinc-900">{sale.product.name}</p>
                <p className="mt-1 text-sm">
                  <span className="font-bold text-brand-700">{formatKrw(sale.salePrice)}</span>{" "}
                  <span className="text-zinc-600 line-through">{formatKrw(sale.product.price)}</span>
                </p>
                <p className="mt-1 text-xs text-zinc-600">
                  <SaleStripState saleId={sale.id} opensAt={sale.opensAt.getTime()} opensAtLabel={formatSeoulDateTime(sale.opensAt)} /> · {t.quantity(sale.quantity)}
                </p>
              </div>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
