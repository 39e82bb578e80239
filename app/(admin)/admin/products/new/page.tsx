import type { Metadata } from "next";
import Link from "next/link";

import { ProductForm } from "~/app/(admin)/admin/products/product-form.tsx";
import { PageHeading } from "~/app/(admin)/admin/_components/ui.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { requireAdmin } from "~/app/_lib/require-session.ts";
import { serverCaller } from "~/app/_trpc/server.tsx";

export const metadata: Metadata = { title: adminKo.products.newTitle };

export default async function NewProductPage() {
  await requireAdmin("/admin/products/new");
  const categories = await (await serverCaller()).adminProduct.categories();
  return (
    <>
      <Link href="/admin/products" className="text-sm text-zinc-600 hover:underline">
        {adminKo.products.back}
      </Link>
      <PageHeading>{adminKo.products.newTitle}</PageHeading>
      <ProductForm categories={categories} />
    </>
  );
}
