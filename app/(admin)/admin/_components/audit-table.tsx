import Link from "next/link";

import { DataTable } from "~/app/(admin)/admin/_components/data-table.tsx";
import { tdClass } from "~/app/(admin)/admin/_components/ui.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { formatSeoulDateTime } from "~/app/_lib/format.ts";
import { SYSTEM_ACTOR_ID } from "~/server/domain/admin/audit-log.ts";

const t = adminKo.audit;

type AuditEntry = { id: number; actorId: string; action: string; targetType: string; targetId: string; reason: string | null; createdAt: Date };

function targetHref(entry: AuditEntry) {
  if (entry.targetType === "ORDER") return `/admin/orders/${entry.targetId}`;
  // A replayed event has no page of its own; the system page lists the ones still dead.
  if (entry.targetType === "OUTBOX_EVENT") return "/admin/system";
  // Payment actions are listed with their order on the reconciliation page.
  if (entry.targetType === "PAYMENT") return "/admin/payments";
  return `/admin/users/${entry.targetId}`;
}

/** Audit entries as a table; used on the audit page and under orders and members. */
export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  if (entries.length === 0) return <p className="text-sm text-zinc-500">{t.empty}</p>;
  return (
    <DataTable label={t.listLabel} columns={Object.values(t.columns)} framed={false}>
      {entries.map((entry) => (
        <tr key={entry.id} data-testid="audit-row">
          <td className={tdClass}>{formatSeoulDateTime(entry.createdAt)}</td>
          <td className={`${tdClass} font-mono text-xs`}>
            {entry.actorId === SYSTEM_ACTOR_ID ? (
              adminKo.payments.systemActor
            ) : (
              <Link href={`/admin/users/${entry.actorId}`} className="hover:underline">
                {entry.actorId}
              </Link>
            )}
          </td>
          <td className={tdClass}>{t.actions[entry.action] ?? entry.action}</td>
          <td className={`${tdClass} font-mono text-xs`}>
            <Link href={targetHref(entry)} className="hover:underline">
              {entry.targetType} {entry.targetId}
            </Link>
          </td>
          <td className={tdClass}>{entry.reason ?? "-"}</td>
        </tr>
      ))}
    </DataTable>
  );
}
