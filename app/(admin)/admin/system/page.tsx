import type { Metadata } from "next";
import { Suspense } from "react";

import { DeadLetters } from "~/app/(admin)/admin/system/dead-letters.tsx";
import { SystemStatus } from "~/app/(admin)/admin/system/system-status.tsx";
import { PageHeading } from "~/app/(admin)/admin/_components/ui.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { requireAdmin } from "~/app/_lib/require-session.ts";
import { HydrateClient, prefetch, trpc } from "~/app/_trpc/server.tsx";

export const metadata: Metadata = { title: adminKo.system.title };

export default async function SystemPage() {
  await requireAdmin("/admin/system");
  prefetch(trpc.adminSystem.status.queryOptions());
  prefetch(trpc.adminSystem.deadLetters.queryOptions({ page: 1 }));
  return (
    <>
      <PageHeading>{adminKo.system.heading}</PageHeading>
      <HydrateClient>
        <Suspense fallback={<p aria-busy="true" className="text-zinc-500">{adminKo.common.loading}</p>}>
          <SystemStatus />
        </Suspense>
        <Suspense fallback={<p aria-busy="true" className="mt-4 text-zinc-500">{adminKo.common.loading}</p>}>
          <div className="mt-4">
            <DeadLetters />
          </div>
        </Suspense>
      </HydrateClient>
    </>
  );
}
