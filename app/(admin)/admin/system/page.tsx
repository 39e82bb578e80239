import type { Metadata } from "next";
import { Suspense } from "react";

import { SystemStatus } from "~/app/(admin)/admin/system/system-status.tsx";
import { PageHeading } from "~/app/(admin)/admin/_components/ui.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { requireAdmin } from "~/app/_lib/require-session.ts";
import { HydrateClient, prefetch, trpc } from "~/app/_trpc/server.tsx";

export const metadata: Metadata = { title: adminKo.system.title };

export default async function SystemPage() {
  await requireAdmin("/admin/system");
  prefetch(trpc.adminSystem.status.queryOptions());
  return (
    <>
      <PageHeading>{adminKo.system.heading}</PageHeading>
      <HydrateClient>
        <Suspense fallback={<p aria-busy="true" className="text-zinc-500">{adminKo.common.loading}</p>}>
          <SystemStatus />
        </Suspense>
      </HydrateClient>
    </>
  );
}
