import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { DiscontinueButton } from "~/app/(admin)/admin/products/[id]/discontinue-button.tsx";
import { ProductForm } from "~/app/(admin)/admin/products/product-form.tsx";
import { PageHeading, outlineLinkClass } from "~/app/(admin)/admin/_components/ui.tsx";
import { FormMessage } from "~/app/_components/form.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { requireAdmin } from "~/app/_lib/require-session.ts";
import { serverCaller } from "~/app/_trpc/server.tsx";
import { parseIdParam } from "~/server/domain/input-rules.ts";

export const metadata: Metadata = { title: adminKo.products.title };

type EditProductPageProps = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function EditProductPage({ params, searchParams }: EditProductPageProps) {
  const { id } = await params;
  await requireAdmin(`/admin/products/${encodeURIComponent(id)}`);
  if (parseIdParam(id) === null) notFound();
  const caller = await serverCaller();
  const [product, categories] = await Promise.all([
    caller.adminProduct.get({ id: Number(id) }).catch((error: unknown) => {
      if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
      throw error;
    }),
    caller.adminProduct.categories(),
  ]);
  const isCreated = (await searchParams).created === "1";

  return (
    <>
      <Link href="/admin/products" className="text-sm text-zinc-600 hover:underline">
        {adminKo.products.back}
      </Link>
      <PageHeading
        actions={
          <>
            <Link href={`/admin/sales/new?productId=${product.id}`} className={outlineLinkClass}>
              {adminKo.products.scheduleSale}
            </Link>
            {product.status !== "DISCONTINUED" ? <DiscontinueButton id={product.id} /> : null}
          </>
        }
      >
        {adminKo.products.editTitle(product.name)}
      </PageHeading>
      {isCreated ? (
        <div className="mb-4">
          <FormMessage tone="success" testId="product-created">
            {adminKo.products.form.created} (#{product.id})
          </FormMessage>
        </div>
      ) : null}
      <ProductForm key={product.updatedAt.toISOString()} categories={categories} product={product} />
    </>
  );
}
