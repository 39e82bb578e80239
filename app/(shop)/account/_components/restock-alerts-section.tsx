"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";

import { Section } from "~/app/(shop)/account/_components/section.tsx";
import { FormMessage } from "~/app/_components/form.tsx";
import { restockKo } from "~/app/_i18n/restock.ts";
import { formErrorMessage } from "~/app/_lib/form-errors.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";

const t = restockKo.account;

/** My live restock alerts, each with its own cancel. An alert leaves the list once its mail has gone out. */
export function RestockAlertsSection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const alerts = useQuery(trpc.restock.list.queryOptions());
  const cancel = useMutation(
    trpc.restock.cancel.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.restock.pathKey() }),
    }),
  );

  return (
    <Section title={t.heading} intro={t.intro}>
      {formErrorMessage(cancel.error) ? (
        <div className="mb-4">
          <FormMessage tone="error" testId="restock-alerts-error">
            {formErrorMessage(cancel.error)}
          </FormMessage>
        </div>
      ) : null}
      {!alerts.data ? (
        <p aria-busy="true" className="text-zinc-500">
          …
        </p>
      ) : alerts.data.length === 0 ? (
        <p className="text-sm text-zinc-600">{t.empty}</p>
      ) : (
        <ul className="divide-y divide-zinc-100" data-testid="restock-alerts">
          {alerts.data.map((alert) => (
            <li key={alert.id} className="flex items-center justify-between gap-4 py-3">
              <Link href={alert.path} className="min-w-0 text-sm font-medium text-zinc-900 hover:underline">
                {alert.isSale ? <span className="mr-2 rounded bg-rose-100 px-1.5 py-0.5 text-xs font-semibold text-rose-700">{t.sale}</span> : null}
                <span className="break-keep">{alert.productName}</span>
              </Link>
              <button
                type="button"
                disabled={cancel.isPending}
                onClick={() => cancel.mutate(alert.target)}
                aria-label={t.cancel(alert.productName)}
                className="shrink-0 rounded-lg border border-zinc-300 px-3 py-1.5 text-sm text-zinc-700 hover:bg-zinc-50 disabled:opacity-60"
              >
                {t.cancelLabel}
              </button>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
