"use client";

import { useMutation, useQuery, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Image from "next/image";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

import { AddressChooser, preselectedAddressId } from "~/app/(shop)/checkout/address-chooser.tsx";
import { ordersKo } from "~/app/_i18n/orders.ts";
import { formatCountdown, formatKrw, formatSeoulDateTime } from "~/app/_lib/format.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";

const t = ordersKo.pay;

/** What a payment widget hands the page after the buyer authorises a card: a fresh key per attempt. */
function mintPaymentKey() {
  return `tpk_${crypto.randomUUID().replaceAll("-", "")}`;
}

/**
 * The payment step. The countdown runs on the server's clock (the offset is taken from the order's serverTime), so
 * it agrees with the deadline the server enforces. A declined attempt gets a new paymentKey on retry, as a new card
 * authorisation would; after an outage or timeout the same key is reused, so the provider can never charge twice.
 * An order placed without an address (a flash-sale win) shows the checkout's address chooser, the default address
 * preselected, and sends the chosen address id with the payment; the server copies it onto the order as it marks it
 * paid. An order from checkout already has its address, shown here read-only.
 */
export function PayPanel({ orderId }: { orderId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const { data: order } = useSuspenseQuery(trpc.order.get.queryOptions({ id: orderId }));
  const [clockOffsetMs] = useState(() => order.serverTime.getTime() - Date.now());
  const [remainingMs, setRemainingMs] = useState(() => order.paymentDueAt.getTime() - order.serverTime.getTime());
  const [paymentKey, setPaymentKey] = useState<string | null>(null);
  const needsAddress = order.shippingAddress === null;
  const addressesQuery = useQuery({ ...trpc.account.address.list.queryOptions(), enabled: needsAddress });
  const [chosenAddressId, setChosenAddressId] = useState<number | null>(null);
  // The address picked on the sale page before the drop comes first, so a prepared winner only presses "결제하기".
  const addressId = needsAddress ? preselectedAddressId(addressesQuery.data ?? [], chosenAddressId ?? order.preparedAddressId) : null;
  const isPrepared = needsAddress && order.preparedAddressId !== null && addressId === order.preparedAddressId;

  useEffect(() => {
    const tick = () => setRemainingMs(order.paymentDueAt.getTime() - (Date.now() + clockOffsetMs));
    tick();
    const timer = setInterval(tick, 1_000);
    return () => clearInterval(timer);
  }, [order.paymentDueAt, clockOffsetMs]);

  const pay = useMutation(
    trpc.order.pay.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.order.pathKey() });
        // The order page greets an arrival from here with "결제가 완료되었습니다".
        router.push(`/account/orders/${orderId}?paid=1`);
      },
      onError: (error) => {
        // Only a definite answer ends an attempt; an unknown outcome must be retried with the same key.
        if (error.data?.domainCode !== "UNAVAILABLE") setPaymentKey(null);
      },
    }),
  );

  const isExpired = remainingMs <= 0 || !order.canPay;
  const hasFailed = pay.isError;
  const isMissingAddress = needsAddress && addressId === null;

  return (
    <section aria-labelledby="pay-heading" className="max-w-xl rounded-2xl border border-zinc-200 bg-white p-6 shadow-sm">
      <h2 id="pay-heading" className="sr-only">
        {t.heading}
      </h2>
      <h3 className="text-base font-semibold text-zinc-900">{t.items}</h3>
      <ul data-testid="pay-items" className="mt-3 mb-5 divide-y divide-zinc-200 border-b border-zinc-200">
        {order.items.map((item) => (
          <li key={item.id} className="flex items-center gap-4 pb-4">
            <div className="size-16 shrink-0 overflow-hidden rounded-lg border border-zinc-200 bg-zinc-100">
              <Image src={item.product.imageUrl} alt="" width={128} height={128} unoptimized className="size-full object-cover" />
            </div>
            <div className="min-w-0 flex-1">
              <p className="line-clamp-2 text-sm font-semibold text-zinc-900">{item.productName}</p>
              <p className="text-xs text-zinc-600">
                {formatKrw(item.unitPrice)} × {item.quantity}
              </p>
            </div>
          </li>
        ))}
      </ul>
      <dl className="space-y-3 text-sm">
        <div className="flex justify-between gap-4">
          <dt className="shrink-0 text-zinc-600">{t.orderNumber}</dt>
          <dd className="min-w-0 truncate font-mono text-zinc-900">{order.id}</dd>
        </div>
        <div className="flex justify-between gap-4">
          <dt className="shrink-0 text-zinc-600">{t.deadline}</dt>
          <dd className="text-right text-zinc-900">{t.deadlineAt(formatSeoulDateTime(order.paymentDueAt))}</dd>
        </div>
        <div className="flex justify-between gap-4">
          <dt className="shrink-0 text-zinc-600">{t.paymentMethod}</dt>
          <dd data-testid="pay-method" className="text-zinc-900">
            {t.card}
          </dd>
        </div>
        <div className="flex items-baseline justify-between gap-4 border-t border-zinc-200 pt-3">
          <dt className="font-medium text-zinc-800">{t.amount}</dt>
          <dd data-testid="pay-amount" className="text-2xl font-bold text-zinc-900">
            {formatKrw(order.totalAmount)}
          </dd>
        </div>
      </dl>

      <div className="mt-5 border-t border-zinc-200 pt-5">
        {order.shippingAddress ? (
          <section aria-labelledby="pay-shipping-heading">
            <h2 id="pay-shipping-heading" className="text-lg font-semibold text-zinc-900">
              {ordersKo.checkout.address}
            </h2>
            <p data-testid="pay-shipping" className="mt-2 text-sm text-zinc-700">
              <span className="block font-medium text-zinc-900">
                {order.shippingAddress.recipient} · {order.shippingAddress.phone}
              </span>
              <span className="block text-zinc-500">
                ({order.shippingAddress.postalCode}) {order.shippingAddress.address1} {order.shippingAddress.address2 ?? ""}
              </span>
            </p>
          </section>
        ) : addressesQuery.isPending ? (
          <p aria-busy="true" className="text-zinc-500">
            …
          </p>
        ) : (
          <>
            {isPrepared ? (
              <p data-testid="pay-prepared" className="mb-3 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
                {t.prepared}
              </p>
            ) : null}
            <AddressChooser
              addresses={addressesQuery.data ?? []}
              selectedId={addressId}
              onSelect={setChosenAddressId}
              onAdded={async (address) => {
                setChosenAddressId(address.id);
                await queryClient.invalidateQueries({ queryKey: trpc.account.address.list.queryKey() });
              }}
            />
          </>
        )}
        {addressesQuery.isError ? (
          <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {addressesQuery.error.message || t.failed}
          </p>
        ) : null}
      </div>

      {isExpired ? (
        <p data-testid="pay-countdown" className="mt-5 rounded-lg bg-zinc-100 px-4 py-3 text-center text-base font-semibold text-zinc-700">
          {t.expired}
        </p>
      ) : (
        <div className="mt-5 flex items-center justify-between gap-4 rounded-lg bg-brand-50 px-4 py-3 text-brand-700">
          <span id={`pay-countdown-label-${orderId}`} className="whitespace-nowrap text-sm font-semibold">
            {t.remaining}
          </span>
          {/* Always with seconds (mm:ss, or hh:mm:ss): a one-minute hold must not read as a clock time. */}
          <span data-testid="pay-countdown" role="timer" aria-live="off" aria-labelledby={`pay-countdown-label-${orderId}`} className="font-mono text-2xl font-bold tabular-nums">
            {formatCountdown(remainingMs)}
          </span>
        </div>
      )}

      {pay.error ? (
        <p role="alert" data-testid="pay-error" className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {pay.error.message || t.failed}
        </p>
      ) : null}
      {isMissingAddress && !addressesQuery.isPending && !isExpired ? <p className="mt-4 text-sm text-amber-700">{ordersKo.checkout.chooseAddress}</p> : null}

      <button
        type="button"
        disabled={isExpired || isMissingAddress || pay.isPending || pay.isSuccess}
        onClick={() => {
          const key = paymentKey ?? mintPaymentKey();
          setPaymentKey(key);
          pay.mutate({ orderId, paymentKey: key, amount: order.totalAmount, ...(addressId === null ? {} : { addressId }) });
        }}
        className="mt-5 h-12 w-full rounded-lg bg-brand-600 font-semibold text-white hover:bg-brand-700 disabled:cursor-not-allowed disabled:opacity-50"
      >
        {pay.isPending || pay.isSuccess ? t.paying : hasFailed ? t.retry : t.payButton(formatKrw(order.totalAmount))}
      </button>
      <p className="mt-3 text-xs text-zinc-500">{t.cardNote}</p>
      <p className="mt-4 text-sm">
        <Link href={`/account/orders/${orderId}`} className="font-medium text-zinc-600 hover:text-zinc-900 hover:underline">
          {t.viewOrder}
        </Link>
      </p>
    </section>
  );
}
