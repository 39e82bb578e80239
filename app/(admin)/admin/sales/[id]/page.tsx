import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense } from "react";

import { SaleMonitor } from "~/app/(admin)/admin/sales/[id]/sale-monitor.tsx";
import { prefetchOr404 } from "~/app/(admin)/admin/_lib/prefetch-or-404.ts";
import { adminKo } from "~/app/_i18n/admin.ts";
import { requireAdmin } from "~/app/_lib/require-session.ts";
import { HydrateClient, trpc } from "~/app/_trpc/server.tsx";
import { parseIdParam } from "~/server/domain/input-rules.ts";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  return { title: /^\d{1,10}$/.test(id) ? adminKo.monitor.title(Number(id)) : adminKo.sales.title };
}

export default async function SaleMonitorPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireAdmin(`/admin/sales/${encodeURIComponent(id)}`);
  if (parseIdParam(id) === null) notFound();
  await prefetchOr404(trpc.adminSale.monitor.queryOptions({ id: Number(id) }));

  return (
    <HydrateClient>
      <Suspense fallback={<p aria-busy="true" className="text-zinc-500">{adminKo.common.loading}</p>}>
        <SaleMonitor id={Number(id)} />
      </Suspense>
    </HydrateClient>
  );
}
