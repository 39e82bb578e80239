"use client";

import { useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useState } from "react";

import { formatDuration } from "~/app/(admin)/admin/_lib/seoul-time.ts";
import { Badge, Card, PageHeading, outlineLinkClass } from "~/app/(admin)/admin/_components/ui.tsx";
import { FormMessage, primaryButtonClass } from "~/app/_components/form.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { formErrorMessage, type ClientError } from "~/app/_lib/form-errors.ts";
import { formatSeoulDateTime } from "~/app/_lib/format.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";

const t = adminKo.report;

const TimelineChart = dynamic(() => import("~/app/(admin)/admin/sales/[id]/timeline-chart.tsx"), {
  ssr: false,
  loading: () => <div className="h-64 w-full animate-pulse rounded-lg bg-zinc-100" />,
});

/** Saves text as a file from the browser: the CSV already carries its BOM, so Excel reads the Korean correctly. */
function downloadText(fileName: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Row({ label, value, testId }: { label: string; value: React.ReactNode; testId?: string }) {
  return (
    <>
      <dt className="text-zinc-500">{label}</dt>
      <dd className="font-medium tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </>
  );
}

/** The post-sale proof: summary, traffic chart and a CSV export of everything, all from MySQL. */
export function SaleReport({ id }: { id: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data } = useSuspenseQuery(trpc.adminSale.report.queryOptions({ id }));
  const [exportState, setExportState] = useState<{ state: "idle" | "busy" } | { state: "error"; message: string }>({ state: "idle" });
  const { summary, sale } = data;
  const n = (value: number) => value.toLocaleString("ko-KR");
  const time = (value: Date | null) => (value ? formatSeoulDateTime(value) : "-");

  async function exportCsv() {
    setExportState({ state: "busy" });
    try {
      const { fileName, csv } = await queryClient.fetchQuery({ ...trpc.adminSale.reportCsv.queryOptions({ id }), staleTime: 0 });
      downloadText(fileName, csv);
      setExportState({ state: "idle" });
    } catch (error) {
      setExportState({ state: "error", message: formErrorMessage(error as ClientError) ?? adminKo.common.genericError });
    }
  }

  return (
    <>
      <Link href="/admin/sales" className="text-sm text-zinc-600 hover:underline">
        {adminKo.sales.back}
      </Link>
      <PageHeading
        actions={
          <>
            <Link href={`/admin/sales/${id}`} className={outlineLinkClass}>
              {t.monitor}
            </Link>
            <button type="button" className={primaryButtonClass} disabled={exportState.state === "busy"} onClick={() => void exportCsv()}>
              {exportState.state === "busy" ? t.exporting : t.exportCsv}
            </button>
          </>
        }
      >
        {t.title(id)} · {sale.product.name}
      </PageHeading>
      <p className="mb-4 text-sm text-zinc-600">
        {t.intro} · {t.generatedAt(formatSeoulDateTime(data.generatedAt))}
      </p>
      {exportState.state === "error" ? (
        <div className="mb-4">
          <FormMessage tone="error">{exportState.message}</FormMessage>
        </div>
      ) : null}

      <Card title={t.summary} className="mb-4">
        <dl className="grid grid-cols-[12rem_1fr] gap-y-2 text-sm sm:grid-cols-[12rem_1fr_12rem_1fr]">
          <Row label={t.quantity} value={n(summary.quantity)} testId="report-quantity" />
          <Row label={t.sold} value={n(summary.sold)} testId="report-sold" />
          <Row label={t.everPaid} value={n(summary.everPaid)} />
          <Row label={t.expired} value={n(summary.expired)} testId="report-expired" />
          <Row label={t.cancelled} value={n(summary.cancelled)} testId="report-cancelled" />
          <Row label={t.returned} value={n(summary.returned)} />
          <Row label={t.pendingPayment} value={n(summary.pendingPayment)} />
          <Row
            label={t.oversold}
            testId="report-oversold"
            value={
              <span className="inline-flex items-center gap-2">
                {n(summary.oversold)} <Badge tone={summary.oversold === 0 ? "good" : "bad"}>{summary.oversold === 0 ? t.oversoldOk : "!"}</Badge>
              </span>
            }
          />
          <Row label={t.firstPurchaseAt} value={time(summary.firstPurchaseAt)} />
          <Row label={t.lastPurchaseAt} value={time(summary.lastPurchaseAt)} />
          <Row label={t.timeToSellOut} value={summary.timeToSellOutMs === null ? t.notSoldOut : formatDuration(summary.timeToSellOutMs)} />
          <Row label={t.timeToAllReserved} value={summary.timeToAllReservedMs === null ? t.notSoldOut : formatDuration(summary.timeToAllReservedMs)} />
          <Row label={t.peakAttempts} value={`${n(summary.peakAttemptsPerSecond)}${summary.peakAt ? ` (${formatSeoulDateTime(summary.peakAt)})` : ""}`} testId="report-peak" />
          <Row label={t.totalAttempts} value={n(summary.totalAttempts)} />
          <Row label={t.totalWins} value={n(summary.totalWins)} />
        </dl>
      </Card>

      <Card title={`${t.timeline} · ${t.bucket(data.chart.bucketSeconds)}`}>
        {data.chart.points.length === 0 ? (
          <p className="text-sm text-zinc-500">{t.timelineEmpty}</p>
        ) : (
          <TimelineChart
            points={data.chart.points.map((point) => ({ second: point.second, attempts: point.attemptsPerSecond, wins: point.winsPerSecond }))}
            label={t.timeline}
            attemptsLabel={adminKo.monitor.attempts}
            winsLabel={adminKo.monitor.wins}
          />
        )}
      </Card>
    </>
  );
}
