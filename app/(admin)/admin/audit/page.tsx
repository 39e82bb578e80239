import type { Metadata } from "next";
import Link from "next/link";

import { AuditTable } from "~/app/(admin)/admin/_components/audit-table.tsx";
import { Pager, queryString } from "~/app/(admin)/admin/_components/pager.tsx";
import { Card, PageHeading } from "~/app/(admin)/admin/_components/ui.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { requireAdmin } from "~/app/_lib/require-session.ts";
import { serverCaller } from "~/app/_trpc/server.tsx";
import { AUDIT_ACTIONS, type AuditAction } from "~/server/domain/admin/audit-log.ts";

export const metadata: Metadata = { title: adminKo.audit.title };

const t = adminKo.audit;

type AuditPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Read-only, so it renders on the server: no client island needed. */
export default async function AuditPage({ searchParams }: AuditPageProps) {
  await requireAdmin("/admin/audit");
  const params = await searchParams;
  const page = typeof params.page === "string" && /^[1-9]\d{0,3}$/.test(params.page) ? Number(params.page) : 1;
  const action = AUDIT_ACTIONS.find((candidate) => candidate === params.action) as AuditAction | undefined;
  const log = await (await serverCaller()).adminSystem.auditLog({ page, action });

  return (
    <>
      <PageHeading>{t.heading}</PageHeading>
      <p className="mb-4 text-sm text-zinc-600">{t.intro}</p>
      <nav aria-label={t.action} className="mb-4 flex flex-wrap gap-2">
        {[undefined, ...AUDIT_ACTIONS].map((candidate) => (
          <Link
            key={candidate ?? "all"}
            href={`/admin/audit${queryString({ action: candidate })}`}
            aria-current={candidate === action ? "page" : undefined}
            className={`rounded-full border px-3 py-1.5 text-sm ${candidate === action ? "border-zinc-900 bg-zinc-900 text-white" : "border-zinc-300 text-zinc-700 hover:bg-zinc-100"}`}
          >
            {candidate ? t.actions[candidate] : adminKo.common.all}
          </Link>
        ))}
      </nav>
      <Card>
        <p className="mb-2 text-sm text-zinc-600">{adminKo.common.total(log.total)}</p>
        <AuditTable entries={log.items} />
      </Card>
      <Pager page={log.page} pageCount={log.pageCount} hrefFor={(target) => `/admin/audit${queryString({ action, page: target })}`} />
    </>
  );
}
