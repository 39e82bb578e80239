"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { rememberPendingEmail } from "~/app/(auth)/_lib/pending-email.ts";
import { AddressFieldset, emptyAddress, type AddressValues } from "~/app/_components/address-fieldset.tsx";
import { Field, FormMessage, primaryButtonClass } from "~/app/_components/form.tsx";
import { accountKo } from "~/app/_i18n/account.ts";
import { fieldErrorsFromServer, fieldErrorsFromZod, formErrorMessage } from "~/app/_lib/form-errors.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";
import { signUpFields } from "~/server/domain/accounts/account-fields.ts";

const t = accountKo;

export function SignUpForm() {
  const router = useRouter();
  const trpc = useTRPC();
  const [values, setValues] = useState({ email: "", password: "", name: "", phone: "" });
  const [withAddress, setWithAddress] = useState(false);
  const [address, setAddress] = useState<AddressValues>(emptyAddress);
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});

  const signUp = useMutation(
    trpc.account.signUp.mutationOptions({
      onSuccess: (result) => {
        rememberPendingEmail(result.email);
        router.push(result.isEmailSent ? "/verify?sent=1" : "/verify?sent=0");
      },
    }),
  );
  const errors = { ...fieldErrorsFromServer(signUp.error), ...clientErrors };

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = { ...values, address: withAddress ? address : undefined };
    const parsed = signUpFields.safeParse(input);
    if (!parsed.success) {
      setClientErrors(fieldErrorsFromZod(parsed.error));
      return;
    }
    setClientErrors({});
    signUp.mutate(input);
  }

  const set = (field: keyof typeof values) => (event: React.ChangeEvent<HTMLInputElement>) => setValues({ ...values, [field]: event.target.value });
  const formError = formErrorMessage(signUp.error);

  return (
    <form onSubmit={submit} noValidate className="space-y-5">
      <Field label={t.fields.email} name="email" type="email" autoComplete="email" required value={values.email} onChange={set("email")} error={errors.email} />
      <Field
        label={t.fields.password}
        name="password"
        type="password"
        autoComplete="new-password"
        required
        value={values.password}
        onChange={set("password")}
        hint={t.fields.passwordHint}
        error={errors.password}
      />
      <Field label={t.fields.name} name="name" autoComplete="name" required value={values.name} onChange={set("name")} error={errors.name} />
      <Field
        label={t.fields.phone}
        name="phone"
        type="tel"
        autoComplete="tel"
        placeholder={t.fields.phonePlaceholder}
        required
        value={values.phone}
        onChange={set("phone")}
        error={errors.phone}
      />

      <label className="flex items-center gap-2 text-sm text-zinc-800">
        <input type="checkbox" checked={withAddress} onChange={(event) => setWithAddress(event.target.checked)} className="size-4 accent-brand-600" />
        {t.signUp.addressToggle}
      </label>
      {withAddress ? <AddressFieldset legend={t.signUp.addressLegend} values={address} onChange={setAddress} errors={errors} errorPrefix="address." /> : null}

      {formError ? (
        <FormMessage tone="error" testId="form-error">
          {formError}
        </FormMessage>
      ) : null}

      <button type="submit" disabled={signUp.isPending} aria-busy={signUp.isPending} className={`${primaryButtonClass} w-full`}>
        {signUp.isPending ? t.signUp.submitting : t.signUp.submit}
      </button>
    </form>
  );
}
