"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId } from "react";

import { AddressChooser } from "~/app/(shop)/checkout/address-chooser.tsx";
import { ordersKo } from "~/app/_i18n/orders.ts";
import { saleReadinessStrings as t } from "~/app/_i18n/sale-readiness.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";

/**
 * Ready before the drop: before the open time a signed-in buyer picks (or adds) the address a win ships to and sees
 * how it will be paid, so the pay page has nothing left to ask but "결제하기". Everything here is the buyer's own data,
 * loaded on the client: the sale page's server HTML stays the same for everyone (and cacheable).
 * Picking an address saves it at once; there is no separate "save" step to forget.
 */
export function SaleReadiness({ saleId }: { saleId: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const headingId = useId();
  const readiness = useQuery(trpc.sale.readiness.get.queryOptions({ saleId }));
  const addresses = useQuery(trpc.account.address.list.queryOptions());
  const update = useMutation(
    trpc.sale.readiness.update.mutationOptions({
      onSuccess: (saved) => queryClient.setQueryData(trpc.sale.readiness.get.queryKey({ saleId }), saved),
    }),
  );

  // While a pick is being saved it is shown as chosen already; a refusal puts the saved one back.
  const selectedId = update.isPending ? update.variables.addressId : (readiness.data?.addressId ?? null);
  const selected = addresses.data?.find((address) => address.id === selectedId) ?? null;
  const loadError = readiness.error ?? addresses.error;

  return (
    <section aria-labelledby={headingId} data-testid="sale-readiness" className="mt-5 rounded-xl border border-zinc-200 bg-zinc-50 p-4">
      <h2 id={headingId} className="text-base font-semibold text-zinc-900">
        {t.heading}
      </h2>
      <p className="mt-1 text-sm text-zinc-600">{t.intro}</p>

      <dl className="mt-3 flex justify-between gap-4 rounded-lg bg-white px-3 py-2 text-sm">
        <dt className="text-zinc-600">{ordersKo.pay.paymentMethod}</dt>
        <dd className="font-medium text-zinc-900" data-testid="readiness-payment-method">
          {ordersKo.pay.card}
        </dd>
      </dl>
      <p className="mt-1 text-xs text-zinc-600">{ordersKo.pay.cardNote}</p>

      <div className="mt-4">
        {readiness.isPending || addresses.isPending ? (
          <p aria-busy="true" className="text-sm text-zinc-600">
            …
          </p>
        ) : (
          <AddressChooser
            addresses={addresses.data ?? []}
            selectedId={selectedId}
            onSelect={(addressId) => update.mutate({ saleId, addressId })}
            onAdded={async (address) => {
              update.mutate({ saleId, addressId: address.id });
              await queryClient.invalidateQueries({ queryKey: trpc.account.address.list.queryKey() });
            }}
          />
        )}
      </div>

      <p role="status" data-testid="readiness-status" className={`mt-3 text-sm ${selected && !update.isPending ? "font-medium text-emerald-800" : "text-zinc-700"}`}>
        {update.isPending ? t.saving : selected ? t.ready(selected.label) : readiness.isSuccess ? t.notReady : ""}
      </p>
      {update.error || loadError ? (
        <p role="alert" data-testid="readiness-error" className="mt-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {update.error?.message || loadError?.message || t.failed}
        </p>
      ) : null}
    </section>
  );
}
