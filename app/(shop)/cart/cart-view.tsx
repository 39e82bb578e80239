"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Image from "next/image";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { QuantityStepper } from "~/app/(shop)/_components/quantity-stepper.tsx";
import { cartKo } from "~/app/_i18n/cart.ts";
import { formatKrw } from "~/app/_lib/format.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";
import type { AppRouter } from "~/server/api/root.ts";

type CartLine = inferRouterOutputs<AppRouter>["cart"]["get"]["lines"][number];

/**
 * The cart. Every figure shown (line totals, selected total) comes from cart.get, which prices lines on the server;
 * each change is a mutation followed by a refetch, so the page never does its own arithmetic on money.
 */
export function CartView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const { data: cart } = useSuspenseQuery(trpc.cart.get.queryOptions());
  const [error, setError] = useState<string | null>(null);
  // What the shopper just asked for, shown until the refetched cart arrives. Set synchronously in the event
  // handler, so a controlled checkbox never snaps back for a frame; totals always stay the server's.
  const [selectedOverrides, setSelectedOverrides] = useState<Record<number, boolean>>({});
  const [quantityOverrides, setQuantityOverrides] = useState<Record<number, number>>({});

  const mutationCallbacks = (options: { isCountChanged?: boolean } = {}) => ({
    onSuccess: async () => {
      setError(null);
      await queryClient.invalidateQueries({ queryKey: trpc.cart.pathKey() });
      // The header badge is rendered on the server; refresh it when the number of lines changed.
      if (options.isCountChanged) router.refresh();
    },
    onError: (mutationError: { message: string }) => {
      setError(mutationError.message || cartKo.cart.failed);
      void queryClient.invalidateQueries({ queryKey: trpc.cart.pathKey() });
    },
  });

  const updateQuantity = useMutation(trpc.cart.updateQuantity.mutationOptions(mutationCallbacks()));
  const remove = useMutation(trpc.cart.remove.mutationOptions(mutationCallbacks({ isCountChanged: true })));
  const setSelected = useMutation(trpc.cart.setSelected.mutationOptions(mutationCallbacks()));
  const setAllSelected = useMutation(trpc.cart.setAllSelected.mutationOptions(mutationCallbacks()));

  if (cart.lines.length === 0) {
    return (
      <div className="rounded-xl border border-dashed border-zinc-300 bg-white py-16 text-center">
        <p className="text-zinc-600">{cartKo.cart.empty}</p>
        <Link href="/" className="mt-4 inline-block text-sm font-medium text-brand-600 hover:underline">
          {cartKo.cart.browse}
        </Link>
      </div>
    );
  }

  const shownLines = cart.lines.map((line) => ({
    ...line,
    isSelected: selectedOverrides[line.id] ?? line.isSelected,
    quantity: quantityOverrides[line.id] ?? line.quantity,
  }));

  function changeSelected(ids: number[], isSelected: boolean, send: (options: { onSettled: () => void }) => void) {
    setSelectedOverrides((previous) => ({ ...previous, ...Object.fromEntries(ids.map((id) => [id, isSelected])) }));
    send({ onSettled: () => setSelectedOverrides((previous) => withoutIfUnchanged(previous, ids, isSelected)) });
  }

  function changeQuantity(id: number, quantity: number) {
    setQuantityOverrides((previous) => ({ ...previous, [id]: quantity }));
    updateQuantity.mutate({ id, quantity }, { onSettled: () => setQuantityOverrides((previous) => withoutIfUnchanged(previous, [id], quantity)) });
  }

  const selectedCount = shownLines.filter((line) => line.isSelected).length;
  const isAllSelected = selectedCount === shownLines.length;
  const hasExcluded = cart.lines.some((line) => line.isSelected && !line.isPurchasable);

  return (
    <div className="grid gap-8 lg:grid-cols-[1fr_20rem]">
      <section>
        <div className="flex items-center justify-between border-b border-zinc-200 pb-3">
          <label className="flex items-center gap-2 text-sm font-medium text-zinc-800">
            <input
              type="checkbox"
              checked={isAllSelected}
              onChange={(event) => {
                const isSelected = event.target.checked;
                changeSelected(
                  cart.lines.map((line) => line.id),
                  isSelected,
                  (options) => setAllSelected.mutate({ isSelected }, options),
                );
              }}
              className="size-4 accent-brand-600"
            />
            {cartKo.cart.selectAll}
            <span className="text-zinc-500">{cartKo.cart.selectedOfTotal(selectedCount, cart.lineCount)}</span>
          </label>
        </div>

        {error ? (
          <p role="alert" data-testid="cart-error" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {error}
          </p>
        ) : null}

        <ul aria-label={cartKo.cart.listLabel} className="divide-y divide-zinc-200">
          {shownLines.map((line) => (
            <CartLineRow
              key={line.id}
              line={line}
              onQuantity={(quantity) => changeQuantity(line.id, quantity)}
              onSelected={(isSelected) => changeSelected([line.id], isSelected, (options) => setSelected.mutate({ id: line.id, isSelected }, options))}
              onRemove={() => remove.mutate({ id: line.id })}
            />
          ))}
        </ul>
      </section>

      <aside aria-labelledby="cart-summary-heading" className="h-fit rounded-xl border border-zinc-200 bg-white p-5 shadow-sm lg:sticky lg:top-24">
        <h2 id="cart-summary-heading" className="text-base font-semibold text-zinc-900">
          {cartKo.cart.summary}
        </h2>
        <p className="mt-2 text-sm text-zinc-600">{cartKo.cart.selectedCount(cart.selectedLineCount, cart.selectedQuantity)}</p>
        <dl className="mt-4 flex items-baseline justify-between border-t border-zinc-200 pt-4">
          <dt className="text-sm text-zinc-700">{cartKo.cart.selectedTotal}</dt>
          <dd data-testid="cart-selected-total" className="text-2xl font-bold text-zinc-900">
            {formatKrw(cart.selectedTotal)}
          </dd>
        </dl>
        {hasExcluded ? <p className="mt-2 text-xs text-amber-700">{cartKo.cart.excludedNote}</p> : null}
        {cart.selectedLineCount > 0 ? (
          <Link
            href="/checkout?from=cart"
            className="mt-5 grid h-12 place-items-center rounded-lg bg-brand-600 font-semibold text-white hover:bg-brand-700"
          >
            {cartKo.cart.order}
          </Link>
        ) : (
          <button type="button" disabled className="mt-5 h-12 w-full cursor-not-allowed rounded-lg bg-brand-600 font-semibold text-white opacity-50">
            {cartKo.cart.order}
          </button>
        )}
        {cart.selectedLineCount === 0 ? <p className="mt-2 text-xs text-zinc-500">{cartKo.cart.orderDisabled}</p> : null}
      </aside>
    </div>
  );
}

/** Drops the overrides a settled request set, unless a newer request has replaced them since. */
function withoutIfUnchanged<T>(overrides: Record<number, T>, ids: number[], value: T) {
  const next = { ...overrides };
  for (const id of ids) if (next[id] === value) delete next[id];
  return next;
}

type CartLineRowProps = {
  line: CartLine;
  onQuantity: (quantity: number) => void;
  onSelected: (isSelected: boolean) => void;
  onRemove: () => void;
};

function CartLineRow({ line, onQuantity, onSelected, onRemove }: CartLineRowProps) {
  const { product } = line;
  const isDiscontinued = line.issue === "DISCONTINUED";
  const canChangeQuantity = line.issue === null || line.issue === "INSUFFICIENT_STOCK" || line.issue === "OVER_LIMIT";

  return (
    <li aria-label={product.name} data-testid="cart-line" className="flex gap-4 py-5">
      <input
        type="checkbox"
        aria-label={cartKo.cart.select(product.name)}
        checked={line.isSelected}
        onChange={(event) => onSelected(event.target.checked)}
        className="mt-1 size-4 shrink-0 accent-brand-600"
      />
      <div className="size-20 shrink-0 overflow-hidden rounded-lg border border-zinc-200 bg-zinc-100">
        <Image
          src={product.imageUrl}
          alt=""
          width={160}
          height={160}
          unoptimized
          className={`size-full object-cover ${line.isPurchasable ? "" : "opacity-50 grayscale"}`}
        />
      </div>
      <div className="flex min-w-0 flex-1 flex-col gap-2">
        <div className="flex items-start justify-between gap-3">
          <div className="min-w-0">
            <p className="text-xs text-zinc-500">{product.category.name}</p>
            <h3 className="text-sm font-semibold text-zinc-900">
              {isDiscontinued ? product.name : <Link href={`/products/${product.id}`} className="hover:underline">{product.name}</Link>}
            </h3>
            <p className="text-xs text-zinc-500">
              {cartKo.cart.unitPrice} {formatKrw(line.unitPrice)}
            </p>
          </div>
          <button
            type="button"
            aria-label={cartKo.cart.remove(product.name)}
            onClick={onRemove}
            className="shrink-0 rounded-md px-2 py-1 text-xs text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900"
          >
            {cartKo.cart.removeLabel}
          </button>
        </div>

        {line.issue ? (
          <p data-testid="cart-line-issue" className="w-fit rounded bg-amber-50 px-2 py-1 text-xs font-medium text-amber-800 ring-1 ring-amber-200">
            {cartKo.cart.issues[line.issue]}
          </p>
        ) : null}

        <div className="flex flex-wrap items-center justify-between gap-3">
          <QuantityStepper
            value={line.quantity}
            max={Math.max(line.maxQuantity, 1)}
            onChange={onQuantity}
            label={cartKo.cart.quantity(product.name)}
            decreaseLabel={cartKo.cart.decrease(product.name)}
            increaseLabel={cartKo.cart.increase(product.name)}
            isDisabled={!canChangeQuantity}
          />
          <p className={`text-base font-bold ${line.isPurchasable ? "text-zinc-900" : "text-zinc-500 line-through"}`}>
            <span className="sr-only">{cartKo.cart.lineTotal} </span>
            <span data-testid="cart-line-total">{formatKrw(line.lineTotal)}</span>
          </p>
        </div>
      </div>
    </li>
  );
}
