import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { loadOwnOrder } from "~/app/(shop)/_lib/load-own-order.ts";
import { PayPanel } from "~/app/(shop)/orders/[id]/pay/pay-panel.tsx";
import { ordersKo } from "~/app/_i18n/orders.ts";
import { HydrateClient, prefetch, trpc } from "~/app/_trpc/server.tsx";

export const metadata: Metadata = { title: ordersKo.pay.title };

type PayPageProps = { params: Promise<{ id: string }> };

export default async function PayPage({ params }: PayPageProps) {
  const { id } = await params;
  const order = await loadOwnOrder(id, `/orders/${id}/pay`);
  // Only an unpaid order has anything to pay; every other state is shown on its detail page.
  if (order.status !== "PENDING_PAYMENT") redirect(`/account/orders/${id}`);
  // A flash-sale win has no address yet: the buyer picks one of theirs here, before paying.
  if (!order.shippingAddress) prefetch(trpc.account.address.list.queryOptions());

  return (
    <>
      <h1 className="mb-6 text-3xl font-bold tracking-tight text-zinc-900">{ordersKo.pay.heading}</h1>
      <HydrateClient>
        <PayPanel orderId={id} />
      </HydrateClient>
    </>
  );
}
