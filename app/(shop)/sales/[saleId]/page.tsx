import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { cache } from "react";

import { saleStrings as t } from "~/app/_i18n/sale.ts";
import { formatKrw, formatSeoulDateTime } from "~/app/_lib/format.ts";
import { serverCaller } from "~/app/_trpc/server.tsx";
import { SalePanel } from "~/app/(shop)/sales/[saleId]/sale-panel.tsx";
import { MAX_INT_COLUMN } from "~/server/domain/input-rules.ts";

type Props = { params: Promise<{ saleId: string }> };

/** One fetch per request, shared by generateMetadata and the page. Missing sales become the 404 page. */
const loadSale = cache(async (rawId: string) => {
  const id = Number(rawId);
  if (!/^\d{1,10}$/.test(rawId) || !Number.isSafeInteger(id) || id < 1 || id > MAX_INT_COLUMN) notFound();
  try {
    return await (await serverCaller()).sale.get({ id });
  } catch (error) {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const sale = await loadSale((await params).saleId);
  return { title: `${sale.product.name} 선착순 세일` };
}

export default async function SalePage({ params }: Props) {
  const sale = await loadSale((await params).saleId);

  return (
    <div className="mx-auto max-w-5xl">
      <Link href="/" className="text-sm text-zinc-600 hover:text-zinc-900">
        {t.backToShop}
      </Link>
      <div className="mt-4 grid gap-6 md:grid-cols-2 md:gap-8">
        <img src={sale.product.imageUrl} alt={sale.product.name} width={560} height={560} className="aspect-[4/3] w-full rounded-2xl border border-zinc-200 bg-zinc-50 object-cover md:aspect-square" />
        <div>
          <p className="inline-flex rounded-full bg-rose-100 px-3 py-1 text-xs font-semibold text-rose-700">{t.badge}</p>
          <h1 className="mt-3 text-2xl font-bold tracking-tight text-zinc-900 sm:text-3xl">{sale.product.name}</h1>
          <p className="mt-1 text-sm text-zinc-600">{sale.product.category.name}</p>
          <dl className="mt-5 space-y-1">
            <div className="flex items-baseline gap-3">
              <dt className="sr-only">{t.salePrice}</dt>
              <dd className="text-3xl font-bold text-brand-700" data-testid="sale-price">
                {formatKrw(sale.salePrice)}
              </dd>
              <dt className="sr-only">{t.originalPrice}</dt>
              <dd className="text-base text-zinc-600 line-through">{formatKrw(sale.product.price)}</dd>
            </div>
          </dl>
          <ul className="mt-4 space-y-1 text-sm text-zinc-600">
            <li>{t.quantity(sale.quantity)}</li>
            <li>{t.limitPerUser(sale.perUserLimit)}</li>
            <li>{t.holdMinutes(sale.holdMinutes)}</li>
            <li>
              {t.opensAt}: <time dateTime={sale.opensAt.toISOString()}>{formatSeoulDateTime(sale.opensAt)}</time>
            </li>
            {sale.closesAt ? (
              <li>
                {t.closesAt}: <time dateTime={sale.closesAt.toISOString()}>{formatSeoulDateTime(sale.closesAt)}</time>
              </li>
            ) : null}
          </ul>
          <SalePanel
            saleId={sale.id}
            opensAt={sale.opensAt.getTime()}
            quantity={sale.quantity}
            initialStatus={{ ...sale.live, phase: sale.phase, serverNow: sale.serverNow.getTime() }}
            waitingRoom={
              sale.waitingRoomEnabled ? { fairnessMode: sale.fairnessMode, queueOpensAt: sale.opensAt.getTime() - sale.queueOpensMinutesBefore * 60_000 } : null
            }
          />
          <p className="mt-8 whitespace-pre-line text-sm leading-7 text-zinc-700">{sale.product.description}</p>
        </div>
      </div>
    </div>
  );
}
