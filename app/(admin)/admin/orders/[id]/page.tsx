import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense } from "react";

import { OrderDetail } from "~/app/(admin)/admin/orders/[id]/order-detail.tsx";
import { prefetchOr404 } from "~/app/(admin)/admin/_lib/prefetch-or-404.ts";
import { adminKo } from "~/app/_i18n/admin.ts";
import { requireAdmin } from "~/app/_lib/require-session.ts";
import { HydrateClient, trpc } from "~/app/_trpc/server.tsx";

export const metadata: Metadata = { title: adminKo.orders.title };

export default async function AdminOrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireAdmin(`/admin/orders/${encodeURIComponent(id)}`);
  if (!/^[a-z0-9]{1,32}$/i.test(id)) notFound();
  await prefetchOr404(trpc.adminOrder.get.queryOptions({ id }));

  return (
    <HydrateClient>
      <Suspense fallback={<p aria-busy="true" className="text-zinc-500">{adminKo.common.loading}</p>}>
        <OrderDetail id={id} />
      </Suspense>
    </HydrateClient>
  );
}
