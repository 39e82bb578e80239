import type { Metadata } from "next";
import Link from "next/link";

import { Card, PageHeading } from "~/app/(admin)/admin/_components/ui.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { formatSeoulDateTime } from "~/app/_lib/format.ts";
import { requireAdmin } from "~/app/_lib/require-session.ts";
import { serverCaller } from "~/app/_trpc/server.tsx";

export const metadata: Metadata = { title: adminKo.dashboard.title };

const t = adminKo.dashboard;

function Stat({ label, value, href }: { label: string; value: number; href: string }) {
  return (
    <Link href={href} className="rounded-xl border border-zinc-200 bg-white p-4 hover:border-zinc-400">
      <p className="text-sm text-zinc-500">{label}</p>
      <p className="mt-1 text-2xl font-bold text-zinc-900">{value.toLocaleString("ko-KR")}</p>
    </Link>
  );
}

export default async function AdminDashboardPage() {
  await requireAdmin("/admin");
  const caller = await serverCaller();
  const [overview, payments] = await Promise.all([caller.adminSystem.overview(), caller.adminPayment.discrepancies()]);
  const flaggedPayments = payments.unsettled.filter((payment) => payment.isFlagged).length;

  return (
    <>
      <PageHeading>{t.heading}</PageHeading>
      {overview.deadLetters > 0 ? (
        <div role="status" data-testid="dashboard-dead-letters" className="mb-4 flex flex-wrap items-center justify-between gap-2 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700">
          <span>{t.deadLetters(overview.deadLetters)}</span>
          <Link href="/admin/system" className="font-medium underline">
            {t.openSystem}
          </Link>
        </div>
      ) : null}
      {payments.unsettled.length > 0 ? (
        <div
          role="status"
          data-testid="dashboard-payments"
          className={`mb-4 flex flex-wrap items-center justify-between gap-2 rounded-lg border px-3 py-2 text-sm ${flaggedPayments > 0 ? "border-red-200 bg-red-50 text-red-700" : "border-amber-200 bg-amber-50 text-amber-800"}`}
        >
          <span>{flaggedPayments > 0 ? adminKo.payments.dashboardFlagged(flaggedPayments, payments.unsettled.length) : adminKo.payments.dashboardUnsettled(payments.unsettled.length)}</span>
          <Link href="/admin/payments" className="font-medium underline">
            {adminKo.payments.openPayments}
          </Link>
        </div>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
        <Stat label={t.liveSales} value={overview.liveSales} href="/admin/sales" />
        <Stat label={t.scheduledSales} value={overview.scheduledSales} href="/admin/sales" />
        <Stat label={t.ordersToday} value={overview.ordersToday} href="/admin/orders" />
        <Stat label={t.pendingPayment} value={overview.pendingPayment} href="/admin/orders?status=PENDING_PAYMENT" />
        <Stat label={t.users} value={overview.users} href="/admin/users" />
      </div>
      <Card title={t.upcoming} className="mt-6">
        {overview.upcoming.length === 0 ? (
          <p className="text-sm text-zinc-500">{t.noUpcoming}</p>
        ) : (
          <ul className="divide-y divide-zinc-100">
            {overview.upcoming.map((sale) => (
              <li key={sale.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                <span>
                  #{sale.id} {sale.product.name} · {adminKo.saleState[sale.state]} · {formatSeoulDateTime(sale.opensAt)} · {sale.quantity.toLocaleString("ko-KR")}개
                </span>
                <Link href={`/admin/sales/${sale.id}`} className="font-medium text-brand-700 hover:underline">
                  {t.openMonitor}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}
