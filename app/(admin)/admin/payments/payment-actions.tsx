import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";

import { DataTable } from "~/app/(admin)/admin/_components/data-table.tsx";
import { tdClass } from "~/app/(admin)/admin/_components/ui.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { formatSeoulDateTime } from "~/app/_lib/format.ts";
import type { AppRouter } from "~/server/api/root.ts";

const t = adminKo.payments;

type AuditEntry = inferRouterOutputs<AppRouter>["adminPayment"]["discrepancies"]["recentActions"][number];

/** Reconciliation writes { orderId, result, from } and flagging { orderId, status }; anything else shows as "-". */
function readMetadata(metadata: AuditEntry["metadata"]) {
  const record = metadata !== null && typeof metadata === "object" && !Array.isArray(metadata) ? metadata : {};
  const text = (value: unknown) => (typeof value === "string" ? value : null);
  return { orderId: text(record.orderId), result: text(record.result), from: text(record.from), status: text(record.status) };
}

function outcome(entry: AuditEntry, metadata: ReturnType<typeof readMetadata>) {
  const statusLabel = (status: string | null) => (status ? (adminKo.orders.paymentStatus[status] ?? status) : null);
  if (entry.action === "payment.flag") return statusLabel(metadata.status) ?? "-";
  const result = metadata.result ? (t.resultLabels[metadata.result] ?? metadata.result) : "-";
  const from = statusLabel(metadata.from);
  return from ? t.transition(from, result) : result;
}

/**
 * The payment entries of the audit log. Not the shared AuditTable: its actor and target links assume an admin and
 * an order or member, while these are mostly by the system and about a payment whose order sits in the metadata.
 */
export function PaymentActions({ entries }: { entries: AuditEntry[] }) {
  if (entries.length === 0) return <p className="text-sm text-zinc-500">{t.recentActionsEmpty}</p>;
  return (
    <>
      <p className="mb-3 text-sm text-zinc-600">{t.recentActionsIntro}</p>
      <DataTable label={t.recentActionsListLabel} columns={Object.values(t.actionColumns)} framed={false}>
        {entries.map((entry) => {
          const metadata = readMetadata(entry.metadata);
          return (
            <tr key={entry.id} data-testid="payment-action-row">
              <td className={`${tdClass} whitespace-nowrap`}>{formatSeoulDateTime(entry.createdAt)}</td>
              <td className={`${tdClass} whitespace-nowrap`}>
                {entry.actorId === "system" ? (
                  t.systemActor
                ) : (
                  <Link href={`/admin/users/${entry.actorId}`} className="font-mono text-xs hover:underline">
                    {entry.actorId}
                  </Link>
                )}
              </td>
              <td className={`${tdClass} whitespace-nowrap`}>{adminKo.audit.actions[entry.action] ?? entry.action}</td>
              <td className={`${tdClass} whitespace-nowrap`}>
                {t.paymentNumber(entry.targetId)}
                {metadata.orderId ? (
                  <Link href={`/admin/orders/${metadata.orderId}`} className="block font-mono text-xs text-brand-700 hover:underline">
                    {metadata.orderId}
                  </Link>
                ) : null}
              </td>
              <td className={tdClass}>{outcome(entry, metadata)}</td>
            </tr>
          );
        })}
      </DataTable>
    </>
  );
}
