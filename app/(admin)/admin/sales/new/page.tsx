import type { Metadata } from "next";
import Link from "next/link";

import { SaleForm } from "~/app/(admin)/admin/sales/sale-form.tsx";
import { PageHeading } from "~/app/(admin)/admin/_components/ui.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { requireAdmin } from "~/app/_lib/require-session.ts";

export const metadata: Metadata = { title: adminKo.sales.newTitle };

type NewSalePageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function NewSalePage({ searchParams }: NewSalePageProps) {
  await requireAdmin("/admin/sales/new");
  const { productId } = await searchParams;
  const initialProductId = typeof productId === "string" && /^[1-9]\d{0,9}$/.test(productId) ? Number(productId) : undefined;
  return (
    <>
      <Link href="/admin/sales" className="text-sm text-zinc-600 hover:underline">
        {adminKo.sales.back}
      </Link>
      <PageHeading>{adminKo.sales.newTitle}</PageHeading>
      <SaleForm initialProductId={initialProductId} />
    </>
  );
}
