"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { startTransition, useState } from "react";

import { DataTable } from "~/app/(admin)/admin/_components/data-table.tsx";
import { Badge, Card, tdClass } from "~/app/(admin)/admin/_components/ui.tsx";
import { FormMessage } from "~/app/_components/form.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { formErrorMessage } from "~/app/_lib/form-errors.ts";
import { formatSeoulDateTime } from "~/app/_lib/format.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";

const t = adminKo.system;

const ID_LINKS: Record<string, (id: string | number) => string> = {
  orderId: (id) => `/admin/orders/${id}`,
  saleId: (id) => `/admin/sales/${id}`,
};

function PayloadIds({ ids }: { ids: Record<string, string | number> }) {
  const entries = Object.entries(ids);
  if (entries.length === 0) return <>-</>;
  return (
    <ul className="space-y-0.5">
      {entries.map(([key, value]) => {
        const href = ID_LINKS[key]?.(value);
        const label = `${t.deadLetterIdLabels[key] ?? key} ${value}`;
        return (
          <li key={key} className="font-mono text-xs">
            {href ? (
              <Link href={href} className="text-brand-700 hover:underline">
                {label}
              </Link>
            ) : (
              label
            )}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * Outbox events the relay gave up on, with a replay button each. A replay is refused when someone else got there
 * first; either way the list is fetched again so it shows what is really dead now.
 */
export function DeadLetters() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Starts on page 1, the page system/page.tsx prefetches.
  const [page, setPage] = useState(1);
  // In a transition, so another page loads behind the current one instead of suspending the whole system page.
  const goTo = (next: number) => startTransition(() => setPage(next));
  const { data } = useSuspenseQuery({ ...trpc.adminSystem.deadLetters.queryOptions({ page }), refetchInterval: 5_000 });
  const replay = useMutation(
    trpc.adminSystem.replayDeadLetter.mutationOptions({
      onSettled: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.adminSystem.deadLetters.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.adminSystem.status.queryKey() });
      },
    }),
  );
  const replayError = formErrorMessage(replay.error) ?? (replay.isError ? adminKo.common.genericError : null);

  return (
    <Card
      title={
        <span className="flex items-center gap-2">
          {t.deadLetters}
          <Badge tone={data.total > 0 ? "bad" : "good"}>
            <span data-testid="dead-letter-count">{t.deadLettersCount(data.total)}</span>
          </Badge>
        </span>
      }
    >
      <p className="mb-3 text-sm text-zinc-600">{t.deadLettersIntro}</p>
      {replay.isSuccess ? (
        <div className="mb-3">
          <FormMessage tone="success" testId="dead-letter-replayed">
            {t.replayed(replay.data.id)}
          </FormMessage>
        </div>
      ) : null}
      {replayError ? (
        <div className="mb-3">
          <FormMessage tone="error" testId="dead-letter-replay-error">
            {replayError}
          </FormMessage>
        </div>
      ) : null}
      {data.items.length === 0 ? (
        <p className="text-sm text-zinc-500" data-testid="dead-letters-empty">
          {t.deadLettersEmpty}
        </p>
      ) : (
        <DataTable label={t.deadLettersListLabel} columns={Object.values(t.deadLetterColumns)} framed={false}>
          {data.items.map((event) => {
            const isReplaying = replay.isPending && replay.variables.id === event.id;
            return (
              <tr key={event.id} data-testid="dead-letter-row">
                <td className={`${tdClass} font-mono text-xs`}>{event.id}</td>
                <td className={`${tdClass} font-mono text-xs`}>{event.name}</td>
                <td className={tdClass}>
                  <PayloadIds ids={event.ids} />
                </td>
                <td className={tdClass}>{t.deadLetterAttempts(event.attempts)}</td>
                <td className={`${tdClass} max-w-xs break-words text-xs text-zinc-600`}>{event.lastError ?? "-"}</td>
                <td className={tdClass}>{formatSeoulDateTime(event.deadAt)}</td>
                <td className={tdClass}>
                  <button
                    type="button"
                    onClick={() => replay.mutate({ id: event.id })}
                    disabled={replay.isPending}
                    aria-label={`${t.replay} #${event.id}`}
                    className="h-9 whitespace-nowrap rounded-lg bg-zinc-900 px-3 text-sm font-semibold text-white hover:bg-zinc-700 disabled:opacity-60"
                  >
                    {isReplaying ? t.replaying : t.replay}
                  </button>
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
      {data.pageCount > 1 || page > 1 ? (
        <nav aria-label={adminKo.common.pagination} className="mt-4 flex items-center justify-center gap-3 text-sm">
          <button type="button" disabled={page <= 1} onClick={() => goTo(page - 1)} className="rounded-md border border-zinc-300 px-3 py-1.5 hover:bg-zinc-100 disabled:opacity-40">
            {adminKo.common.previous}
          </button>
          <span className="text-zinc-600">{adminKo.common.page(data.page, data.pageCount)}</span>
          <button type="button" disabled={page >= data.pageCount} onClick={() => goTo(page + 1)} className="rounded-md border border-zinc-300 px-3 py-1.5 hover:bg-zinc-100 disabled:opacity-40">
            {adminKo.common.next}
          </button>
        </nav>
      ) : null}
    </Card>
  );
}
