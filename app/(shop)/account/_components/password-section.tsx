"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";

import { Section } from "~/app/(shop)/account/_components/section.tsx";
import { Field, FormMessage, primaryButtonClass } from "~/app/_components/form.tsx";
import { accountKo } from "~/app/_i18n/account.ts";
import { fieldErrorsFromServer, fieldErrorsFromZod, formErrorMessage } from "~/app/_lib/form-errors.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";
import { changePasswordFields } from "~/server/domain/accounts/account-fields.ts";

const t = accountKo.myPage.password;
const empty = { currentPassword: "", newPassword: "", confirm: "" };

/** The server re-issues this browser's session cookie in the response, so only the other devices are signed out. */
export function PasswordSection() {
  const trpc = useTRPC();
  const [values, setValues] = useState(empty);
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const change = useMutation(trpc.account.changePassword.mutationOptions({ onSuccess: () => setValues(empty) }));

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = { currentPassword: values.currentPassword, newPassword: values.newPassword };
    const parsed = changePasswordFields.safeParse(input);
    const errors = parsed.success ? {} : fieldErrorsFromZod(parsed.error);
    if (values.confirm !== values.newPassword) errors.confirm = t.mismatch;
    setClientErrors(errors);
    if (Object.keys(errors).length > 0) return;
    change.mutate(input);
  }

  const set = (field: keyof typeof empty) => (event: React.ChangeEvent<HTMLInputElement>) => setValues({ ...values, [field]: event.target.value });
  const serverErrors = fieldErrorsFromServer(change.error);
  const detailsField = (change.error?.data as { domainCode?: string | null } | undefined)?.domainCode === "INVALID_INPUT" ? change.error?.message : null;

  return (
    <Section title={t.heading} intro={t.intro}>
      <form onSubmit={submit} noValidate className="max-w-md space-y-4">
        <Field
          label={t.current}
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          value={values.currentPassword}
          onChange={set("currentPassword")}
          error={clientErrors.currentPassword ?? serverErrors.currentPassword}
        />
        <Field
          label={t.next}
          name="newPassword"
          type="password"
          autoComplete="new-password"
          value={values.newPassword}
          onChange={set("newPassword")}
          hint={accountKo.fields.passwordHint}
          error={clientErrors.newPassword ?? serverErrors.newPassword}
        />
        <Field label={t.confirm} name="confirm" type="password" autoComplete="new-password" value={values.confirm} onChange={set("confirm")} error={clientErrors.confirm} />
        {detailsField ?? formErrorMessage(change.error) ? (
          <FormMessage tone="error" testId="password-error">
            {detailsField ?? formErrorMessage(change.error)}
          </FormMessage>
        ) : null}
        {change.isSuccess ? (
          <FormMessage tone="success" testId="password-changed">
            {t.changed}
          </FormMessage>
        ) : null}
        <button type="submit" disabled={change.isPending} className={primaryButtonClass}>
          {change.isPending ? t.submitting : t.submit}
        </button>
      </form>
    </Section>
  );
}
