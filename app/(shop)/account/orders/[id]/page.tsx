import type { Metadata } from "next";
import Link from "next/link";

import { OrderDetail } from "~/app/(shop)/account/orders/[id]/order-detail.tsx";
import { loadOwnOrder } from "~/app/(shop)/_lib/load-own-order.ts";
import { ordersKo } from "~/app/_i18n/orders.ts";
import { HydrateClient } from "~/app/_trpc/server.tsx";

export const metadata: Metadata = { title: ordersKo.detail.title };

type OrderPageProps = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function OrderPage({ params, searchParams }: OrderPageProps) {
  const { id } = await params;
  // The pay page sends the buyer here with ?paid=1 after a successful payment.
  const isArrivingFromPayment = (await searchParams).paid === "1";
  await loadOwnOrder(id, `/account/orders/${id}`);

  return (
    <>
      <Link href="/account/orders" className="text-sm font-medium text-zinc-600 hover:text-zinc-900">
        {ordersKo.detail.backToList}
      </Link>
      <h1 className="mt-4 mb-6 text-3xl font-bold tracking-tight text-zinc-900">{ordersKo.detail.title}</h1>
      <HydrateClient>
        <OrderDetail orderId={id} isArrivingFromPayment={isArrivingFromPayment} />
      </HydrateClient>
    </>
  );
}
