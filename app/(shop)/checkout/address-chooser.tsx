"use client";

import type { inferRouterOutputs } from "@trpc/server";
import { useId, useState } from "react";

import { AddressForm } from "~/app/(shop)/checkout/address-form.tsx";
import { ordersKo } from "~/app/_i18n/orders.ts";
import type { AppRouter } from "~/server/api/root.ts";

type SavedAddress = inferRouterOutputs<AppRouter>["account"]["address"]["list"][number];
type CreatedAddress = inferRouterOutputs<AppRouter>["account"]["address"]["create"];

const t = ordersKo.checkout;

/**
 * The buyer's pick if they made one (possibly an address just added, before the list has refetched), else the
 * default address, else the first listed; null when there is none.
 */
export function preselectedAddressId(addresses: SavedAddress[], chosenId: number | null) {
  return chosenId ?? addresses.find((address) => address.isDefault)?.id ?? addresses[0]?.id ?? null;
}

/**
 * "배송지" for checkout and for paying an order placed without an address (a flash-sale win): the saved addresses as
 * radios (the caller passes the effective selection, see preselectedAddressId) and "새 배송지 추가", which saves
 * through the account router and hands the new address back so the caller can select it and refresh its list.
 * Not a <form> itself: the add-address form is one, and forms cannot nest.
 */
export function AddressChooser(props: {
  addresses: SavedAddress[];
  selectedId: number | null;
  onSelect: (addressId: number) => void;
  onAdded: (address: CreatedAddress) => void | Promise<void>;
}) {
  const [isAddingAddress, setIsAddingAddress] = useState(false);
  const headingId = useId();

  return (
    <section aria-labelledby={headingId}>
      <div className="flex items-center justify-between">
        <h2 id={headingId} className="text-lg font-semibold text-zinc-900">
          {t.address}
        </h2>
        <button
          type="button"
          onClick={() => setIsAddingAddress((value) => !value)}
          aria-expanded={isAddingAddress}
          className="rounded-md px-3 py-1.5 text-sm font-medium text-brand-600 hover:bg-brand-50"
        >
          {isAddingAddress ? t.cancelAddAddress : t.addAddress}
        </button>
      </div>

      {props.addresses.length === 0 && !isAddingAddress ? <p className="mt-3 text-sm text-zinc-600">{t.noAddress}</p> : null}
      {props.addresses.length > 0 ? (
        <fieldset className="mt-3 space-y-2">
          <legend className="sr-only">{t.addressChoice}</legend>
          {props.addresses.map((address) => (
            <label
              key={address.id}
              className="flex cursor-pointer gap-3 rounded-xl border border-zinc-200 bg-white p-4 has-[:checked]:border-brand-600 has-[:checked]:ring-1 has-[:checked]:ring-brand-600"
            >
              <input
                type="radio"
                name="addressId"
                value={address.id}
                checked={address.id === props.selectedId}
                onChange={() => props.onSelect(address.id)}
                className="mt-1 accent-brand-600"
              />
              <span className="text-sm">
                <span className="font-semibold text-zinc-900">{address.label}</span>
                {address.isDefault ? <span className="ml-2 rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-600">{t.defaultBadge}</span> : null}
                <span className="mt-1 block text-zinc-700">
                  {address.recipient} · {address.phone}
                </span>
                <span className="block text-zinc-500">
                  ({address.postalCode}) {address.address1} {address.address2 ?? ""}
                </span>
              </span>
            </label>
          ))}
        </fieldset>
      ) : null}

      {isAddingAddress ? (
        <AddressForm
          onSaved={async (address) => {
            setIsAddingAddress(false);
            await props.onAdded(address);
          }}
        />
      ) : null}
    </section>
  );
}
