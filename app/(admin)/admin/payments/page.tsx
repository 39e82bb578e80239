import type { Metadata } from "next";
import { Suspense } from "react";

import { PaymentDiscrepancies } from "~/app/(admin)/admin/payments/payment-discrepancies.tsx";
import { PageHeading } from "~/app/(admin)/admin/_components/ui.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { requireAdmin } from "~/app/_lib/require-session.ts";
import { HydrateClient, prefetch, trpc } from "~/app/_trpc/server.tsx";

export const metadata: Metadata = { title: adminKo.payments.title };

export default async function PaymentsPage() {
  await requireAdmin("/admin/payments");
  prefetch(trpc.adminPayment.discrepancies.queryOptions());
  return (
    <>
      <PageHeading>{adminKo.payments.heading}</PageHeading>
      <p className="mb-4 text-sm text-zinc-600">{adminKo.payments.intro}</p>
      <HydrateClient>
        <Suspense fallback={<p aria-busy="true" className="text-zinc-500">{adminKo.common.loading}</p>}>
          <PaymentDiscrepancies />
        </Suspense>
      </HydrateClient>
    </>
  );
}
