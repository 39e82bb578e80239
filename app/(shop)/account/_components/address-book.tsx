"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useState } from "react";

import { Section } from "~/app/(shop)/account/_components/section.tsx";
import { AddressFieldset, emptyAddress, type AddressValues } from "~/app/_components/address-fieldset.tsx";
import { FormMessage, primaryButtonClass, secondaryButtonClass } from "~/app/_components/form.tsx";
import { accountKo } from "~/app/_i18n/account.ts";
import { fieldErrorsFromServer, fieldErrorsFromZod, formErrorMessage } from "~/app/_lib/form-errors.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";
import type { AppRouter } from "~/server/api/root.ts";
import { addressFields } from "~/server/domain/accounts/account-fields.ts";

type Address = inferRouterOutputs<AppRouter>["account"]["address"]["list"][number];

const t = accountKo.myPage.addresses;

function toValues(address: Address): AddressValues {
  return {
    label: address.label,
    recipient: address.recipient,
    phone: address.phone,
    postalCode: address.postalCode,
    address1: address.address1,
    address2: address.address2 ?? "",
  };
}

/** Add or edit form. Validates in the browser with the server's own schema before sending. */
function AddressForm(props: {
  heading: string;
  initial: AddressValues;
  canChooseDefault: boolean;
  isPending: boolean;
  serverError: Parameters<typeof formErrorMessage>[0];
  onSubmit: (values: AddressValues, isDefault: boolean) => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState(props.initial);
  const [isDefault, setIsDefault] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = addressFields.safeParse(values);
    if (!parsed.success) {
      setErrors(fieldErrorsFromZod(parsed.error));
      return;
    }
    setErrors({});
    props.onSubmit(values, isDefault);
  }

  const formError = formErrorMessage(props.serverError);
  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label={props.heading}>
      <AddressFieldset legend={props.heading} values={values} onChange={setValues} errors={{ ...fieldErrorsFromServer(props.serverError), ...errors }} />
      {props.canChooseDefault ? (
        <label className="flex items-center gap-2 text-sm text-zinc-800">
          <input type="checkbox" checked={isDefault} onChange={(event) => setIsDefault(event.target.checked)} className="size-4 accent-brand-600" />
          {accountKo.address.isDefault}
        </label>
      ) : null}
      {formError ? (
        <FormMessage tone="error" testId="address-error">
          {formError}
        </FormMessage>
      ) : null}
      <div className="flex gap-2">
        <button type="submit" disabled={props.isPending} className={primaryButtonClass}>
          {props.isPending ? t.saving : t.save}
        </button>
        <button type="button" onClick={props.onCancel} className={secondaryButtonClass}>
          {t.cancel}
        </button>
      </div>
    </form>
  );
}

export function AddressBook() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: addresses } = useSuspenseQuery(trpc.account.address.list.queryOptions());
  const [mode, setMode] = useState<{ kind: "idle" } | { kind: "add" } | { kind: "edit"; id: number }>({ kind: "idle" });
  const [notice, setNotice] = useState<string | null>(null);

  const refresh = (message: string) => {
    setNotice(message);
    setMode({ kind: "idle" });
    return queryClient.invalidateQueries({ queryKey: trpc.account.address.list.queryKey() });
  };
  const create = useMutation(trpc.account.address.create.mutationOptions({ onSuccess: () => refresh(t.created) }));
  const update = useMutation(trpc.account.address.update.mutationOptions({ onSuccess: () => refresh(t.updated) }));
  const remove = useMutation(trpc.account.address.delete.mutationOptions({ onSuccess: () => refresh(t.deleted) }));
  const setDefault = useMutation(trpc.account.address.setDefault.mutationOptions());
  const actionError = formErrorMessage(remove.error ?? setDefault.error);

  const addButton =
    mode.kind === "add" ? null : (
      <button
        type="button"
        className={secondaryButtonClass}
        onClick={() => {
          create.reset();
          setNotice(null);
          setMode({ kind: "add" });
        }}
      >
        {t.add}
      </button>
    );

  return (
    <Section title={t.heading} intro={t.intro} actions={addButton}>
      <div className="space-y-4">
        {notice ? (
          <FormMessage tone="success" testId="address-notice">
            {notice}
          </FormMessage>
        ) : null}
        {actionError ? (
          <FormMessage tone="error" testId="address-action-error">
            {actionError}
          </FormMessage>
        ) : null}

        {mode.kind === "add" ? (
          <AddressForm
            heading={t.addHeading}
            initial={emptyAddress}
            canChooseDefault={addresses.length > 0}
            isPending={create.isPending}
            serverError={create.error}
            onSubmit={(values, isDefault) => create.mutate({ ...values, isDefault })}
            onCancel={() => setMode({ kind: "idle" })}
          />
        ) : null}

        {addresses.length === 0 ? (
          <p className="text-sm text-zinc-500">{t.empty}</p>
        ) : (
          <ul aria-label={t.listLabel} className="space-y-3">
            {addresses.map((address) => (
              <li key={address.id} data-testid="address-item" className="rounded-xl border border-zinc-200 p-4">
                {mode.kind === "edit" && mode.id === address.id ? (
                  <AddressForm
                    heading={t.editHeading(address.label)}
                    initial={toValues(address)}
                    canChooseDefault={false}
                    isPending={update.isPending}
                    serverError={update.error}
                    onSubmit={(values) => update.mutate({ id: address.id, data: values })}
                    onCancel={() => setMode({ kind: "idle" })}
                  />
                ) : (
                  <article aria-label={address.label} className="flex flex-wrap items-start justify-between gap-3">
                    <div className="text-sm">
                      <h3 className="flex items-center gap-2 text-base font-semibold text-zinc-900">
                        {address.label}
                        {address.isDefault ? (
                          <span data-testid="default-badge" className="rounded-full bg-brand-600 px-2 py-0.5 text-xs font-medium text-white">
                            {t.defaultBadge}
                          </span>
                        ) : null}
                      </h3>
                      <p className="mt-1 text-zinc-800">
                        {address.recipient} · {address.phone}
                      </p>
                      <p className="text-zinc-600">
                        ({address.postalCode}) {address.address1}
                        {address.address2 ? ` ${address.address2}` : ""}
                      </p>
                    </div>
                    <div className="flex flex-wrap gap-2">
                      {address.isDefault ? null : (
                        <button
                          type="button"
                          className={secondaryButtonClass}
                          disabled={setDefault.isPending}
                          onClick={() => {
                            setNotice(null);
                            setDefault.mutate({ id: address.id }, { onSuccess: () => refresh(t.defaultChanged(address.label)) });
                          }}
                        >
                          {t.setDefault}
                        </button>
                      )}
                      <button
                        type="button"
                        className={secondaryButtonClass}
                        onClick={() => {
                          update.reset();
                          setNotice(null);
                          setMode({ kind: "edit", id: address.id });
                        }}
                      >
                        {t.edit}
                      </button>
                      <button
                        type="button"
                        className={secondaryButtonClass}
                        disabled={remove.isPending}
                        onClick={() => {
                          if (window.confirm(t.confirmDelete(address.label))) remove.mutate({ id: address.id });
                        }}
                      >
                        {t.delete}
                      </button>
                    </div>
                  </article>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
    </Section>
  );
}
