import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { SaleForm } from "~/app/(admin)/admin/sales/sale-form.tsx";
import { PageHeading } from "~/app/(admin)/admin/_components/ui.tsx";
import { FormMessage } from "~/app/_components/form.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { requireAdmin } from "~/app/_lib/require-session.ts";
import { serverCaller } from "~/app/_trpc/server.tsx";
import { parseIdParam } from "~/server/domain/input-rules.ts";

export const metadata: Metadata = { title: adminKo.sales.title };

export default async function EditSalePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireAdmin(`/admin/sales/${encodeURIComponent(id)}/edit`);
  if (parseIdParam(id) === null) notFound();
  const sale = await (await serverCaller()).adminSale.get({ id: Number(id) }).catch((error: unknown) => {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  const isEditable = sale.state === "SCHEDULED" && sale.opensAt > sale.serverNow;

  return (
    <>
      <Link href={`/admin/sales/${sale.id}`} className="text-sm text-zinc-600 hover:underline">
        ← {adminKo.monitor.heading}
      </Link>
      <PageHeading>{adminKo.sales.editTitle(sale.id)}</PageHeading>
      {isEditable ? <SaleForm sale={sale} /> : <FormMessage tone="info">{adminKo.sales.notEditable}</FormMessage>}
    </>
  );
}
