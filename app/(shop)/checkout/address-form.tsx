"use client";

import { useMutation } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useId, useState } from "react";

import { inputClass } from "~/app/_components/form.tsx";
import { ordersKo } from "~/app/_i18n/orders.ts";
import { fieldErrorsFromServer, fieldErrorsFromZod } from "~/app/_lib/form-errors.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";
import type { AppRouter } from "~/server/api/root.ts";
import { addressFields } from "~/server/domain/accounts/account-fields.ts";

type SavedAddress = inferRouterOutputs<AppRouter>["account"]["address"]["create"];

const t = ordersKo.checkout.addressForm;
const FIELDS = [
  { name: "label", label: t.label, placeholder: t.labelPlaceholder, autoComplete: "off", isRequired: true },
  { name: "recipient", label: t.recipient, autoComplete: "name", isRequired: true },
  { name: "phone", label: t.phone, placeholder: t.phonePlaceholder, autoComplete: "tel", isRequired: true, type: "tel" },
  { name: "postalCode", label: t.postalCode, autoComplete: "postal-code", isRequired: true, inputMode: "numeric" },
  { name: "address1", label: t.address1, autoComplete: "address-line1", isRequired: true },
  { name: "address2", label: t.address2, autoComplete: "address-line2", isRequired: false },
] as const;

/**
 * Adds a shipping address without leaving checkout, through the account router's own address procedure (the same
 * validation and encryption as the account pages). The browser checks the fields first with the same shared schema
 * (Korean messages under the fields, no browser pop-ups: the form is noValidate); the server's answer stays
 * authoritative and its field errors show in the same places.
 */
export function AddressForm({ onSaved }: { onSaved: (address: SavedAddress) => void | Promise<void> }) {
  const trpc = useTRPC();
  const idPrefix = useId();
  const create = useMutation(trpc.account.address.create.mutationOptions({ onSuccess: (address) => onSaved(address) }));
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const fieldErrors: Record<string, string> = { ...fieldErrorsFromServer(create.error), ...clientErrors };
  const hasFieldErrors = Boolean(create.error?.data?.zodError);

  return (
    <form
      aria-label={ordersKo.checkout.addAddress}
      noValidate
      className="mt-3 grid gap-3 rounded-xl border border-zinc-200 bg-white p-4 sm:grid-cols-2"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const value = (name: string) => String(form.get(name) ?? "");
        const address = {
          label: value("label"),
          recipient: value("recipient"),
          phone: value("phone"),
          postalCode: value("postalCode"),
          address1: value("address1"),
          address2: value("address2"),
        };
        const parsed = addressFields.safeParse(address);
        if (!parsed.success) {
          setClientErrors(fieldErrorsFromZod(parsed.error));
          return;
        }
        setClientErrors({});
        create.mutate({ ...address, isDefault: form.get("isDefault") === "on" });
      }}
    >
      {FIELDS.map((field) => {
        const id = `${idPrefix}-${field.name}`;
        const error = fieldErrors[field.name];
        return (
          <div key={field.name} className={field.name.startsWith("address") ? "sm:col-span-2" : ""}>
            <label htmlFor={id} className="block text-sm font-medium text-zinc-800">
              {field.label}
            </label>
            <input
              id={id}
              name={field.name}
              required={field.isRequired}
              autoComplete={field.autoComplete}
              placeholder={"placeholder" in field ? field.placeholder : undefined}
              type={"type" in field ? field.type : "text"}
              inputMode={"inputMode" in field ? field.inputMode : undefined}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-error` : undefined}
              className={inputClass}
            />
            {error ? (
              <p id={`${id}-error`} className="mt-1 text-sm text-red-600">
                {error}
              </p>
            ) : null}
          </div>
        );
      })}
      <label className="flex items-center gap-2 text-sm text-zinc-700 sm:col-span-2">
        <input type="checkbox" name="isDefault" className="size-4 accent-brand-600" />
        {t.isDefault}
      </label>
      {create.error && !hasFieldErrors ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 sm:col-span-2">
          {create.error.message}
        </p>
      ) : null}
      <button
        type="submit"
        disabled={create.isPending}
        className="h-10 rounded-lg bg-zinc-900 px-4 text-sm font-semibold text-white hover:bg-zinc-700 disabled:opacity-50 sm:col-span-2 sm:w-fit"
      >
        {create.isPending ? t.saving : t.submit}
      </button>
    </form>
  );
}
