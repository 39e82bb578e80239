"use client";

import { useSuspenseQuery } from "@tanstack/react-query";

import { DataTable } from "~/app/(admin)/admin/_components/data-table.tsx";
import { Badge, Card, tdClass } from "~/app/(admin)/admin/_components/ui.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { formatSeoulDateTime } from "~/app/_lib/format.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";

const t = adminKo.system;

function Dependency({ name, probe, testId }: { name: string; probe: { ok: boolean; latencyMs: number | null }; testId: string }) {
  return (
    <Card title={name}>
      <p className="flex items-center gap-2 text-sm" data-testid={testId}>
        <Badge tone={probe.ok ? "good" : "bad"}>{probe.ok ? t.ok : t.down}</Badge>
        <span className="text-zinc-600">{t.latency(probe.latencyMs)}</span>
      </p>
    </Card>
  );
}

/** Dependencies, workflow mode, outbox (live backlog and dead letters), payment breaker and recent errors, refreshed every five seconds. */
export function SystemStatus() {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery({ ...trpc.adminSystem.status.queryOptions(), refetchInterval: 5_000 });
  const circuitTone = data.payments.circuit === "closed" ? "good" : data.payments.circuit === "open" ? "bad" : "warn";

  return (
    <div className="space-y-4">
      <p className="text-xs text-zinc-500">
        {t.refresh} · {adminKo.common.updatedAt(formatSeoulDateTime(data.checkedAt))}
      </p>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        <Dependency name={t.mysql} probe={data.mysql} testId="system-mysql" />
        <Dependency name={t.redis} probe={data.redis} testId="system-redis" />
        <Card title={t.workflow}>
          <p className="text-sm font-medium" data-testid="system-workflow">
            {t.workflowModes[data.workflowMode] ?? data.workflowMode}
          </p>
          {data.workflowMode === "in-process" ? <p className="mt-1 text-xs text-zinc-500">{t.dueWorkInterval(data.dueWork.intervalMs)}</p> : null}
        </Card>
        <Card title={t.outbox}>
          <p className="text-sm font-medium" data-testid="system-outbox">
            {data.outbox.backlog === null ? "-" : t.outboxBacklog(data.outbox.backlog)}
          </p>
          {data.outbox.oldestCreatedAt ? <p className="mt-1 text-xs text-zinc-500">{t.outboxOldest(formatSeoulDateTime(data.outbox.oldestCreatedAt), data.outbox.oldestAttempts)}</p> : null}
          {data.outbox.deadLetters === null ? null : (
            <p className="mt-2 text-sm" data-testid="system-outbox-dead">
              <Badge tone={data.outbox.deadLetters > 0 ? "bad" : "good"}>{t.outboxDeadLetters(data.outbox.deadLetters)}</Badge>
            </p>
          )}
        </Card>
        <Card title={t.payments}>
          <p className="flex items-center gap-2 text-sm" data-testid="system-payment-circuit">
            <Badge tone={circuitTone}>{t.circuit[data.payments.circuit] ?? data.payments.circuit}</Badge>
            <span className="text-zinc-500">{data.payments.provider}</span>
          </p>
        </Card>
      </div>
      <Card title={t.recentErrors}>
        {data.recentErrors.length === 0 ? (
          <p className="text-sm text-zinc-500">{t.noErrors}</p>
        ) : (
          <DataTable columns={Object.values(t.errorColumns)} framed={false}>
            {data.recentErrors.map((entry, index) => (
              <tr key={`${entry.time}-${index}`}>
                <td className={tdClass}>{formatSeoulDateTime(entry.time)}</td>
                <td className={tdClass}>{entry.message}</td>
                <td className={`${tdClass} font-mono text-xs`}>{entry.path ?? "-"}</td>
                <td className={`${tdClass} font-mono text-xs`}>{[entry.errorName, entry.errorCode].filter(Boolean).join(" ") || "-"}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </Card>
    </div>
  );
}
