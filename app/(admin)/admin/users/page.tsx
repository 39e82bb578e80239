import type { Metadata } from "next";
import { Suspense } from "react";

import { PageHeading } from "~/app/(admin)/admin/_components/ui.tsx";
import { UserTable } from "~/app/(admin)/admin/users/user-table.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { requireAdmin } from "~/app/_lib/require-session.ts";
import { HydrateClient, prefetch, trpc } from "~/app/_trpc/server.tsx";

export const metadata: Metadata = { title: adminKo.users.title };

type AdminUsersPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function parseParams(params: Record<string, string | string[] | undefined>) {
  const page = typeof params.page === "string" && /^[1-9]\d{0,3}$/.test(params.page) ? Number(params.page) : 1;
  const email = typeof params.email === "string" && /^[^\s@]{1,64}@[^\s@]{1,120}\.[^\s@]{1,60}$/.test(params.email.trim()) ? params.email.trim() : undefined;
  const role = (["USER", "ADMIN"] as const).find((candidate) => candidate === params.role);
  return { page, email, role };
}

export default async function AdminUsersPage({ searchParams }: AdminUsersPageProps) {
  await requireAdmin("/admin/users");
  const filters = parseParams(await searchParams);
  prefetch(trpc.adminUser.list.queryOptions(filters));

  return (
    <>
      <PageHeading>{adminKo.users.heading}</PageHeading>
      <HydrateClient>
        <Suspense fallback={<p aria-busy="true" className="text-zinc-500">{adminKo.common.loading}</p>}>
          <UserTable filters={filters} />
        </Suspense>
      </HydrateClient>
    </>
  );
}
