import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Suspense } from "react";

import { OrderList } from "~/app/(shop)/account/orders/order-list.tsx";
import { loginHref } from "~/app/(shop)/_lib/login-href.ts";
import { ordersKo } from "~/app/_i18n/orders.ts";
import { createRscContext, HydrateClient, prefetch, trpc } from "~/app/_trpc/server.tsx";
import { OrderStatus } from "~/server/generated/prisma/enums.ts";

export const metadata: Metadata = { title: ordersKo.list.title };

type OrdersPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function parseParams(params: Record<string, string | string[] | undefined>) {
  const status = typeof params.status === "string" && Object.hasOwn(OrderStatus, params.status) ? (params.status as OrderStatus) : undefined;
  const page = typeof params.page === "string" && /^[1-9]\d{0,3}$/.test(params.page) ? Number(params.page) : 1;
  return { status, page };
}

export default async function OrdersPage({ searchParams }: OrdersPageProps) {
  const { session } = await createRscContext();
  if (!session) redirect(loginHref("/account/orders"));
  const { status, page } = parseParams(await searchParams);
  prefetch(trpc.order.list.queryOptions({ status, page }));

  return (
    <>
      <h1 className="mb-6 text-3xl font-bold tracking-tight text-zinc-900">{ordersKo.list.heading}</h1>
      <HydrateClient>
        <Suspense fallback={<p aria-busy="true" className="text-zinc-500">…</p>}>
          <OrderList status={status} page={page} />
        </Suspense>
      </HydrateClient>
    </>
  );
}
