"use client";

import Link from "next/link";
import { useActionState, useState } from "react";
import { z } from "zod";

import { rememberPendingEmail } from "~/app/(auth)/_lib/pending-email.ts";
import { login, type LoginState } from "~/app/(auth)/login/actions.ts";
import { Field, FormMessage, primaryButtonClass } from "~/app/_components/form.tsx";
import { accountKo } from "~/app/_i18n/account.ts";
import { ko } from "~/app/_i18n/ko.ts";
import { fieldErrorsFromZod } from "~/app/_lib/form-errors.ts";
import { emailField } from "~/server/domain/accounts/account-fields.ts";

/** Checked in the browser first, with Korean messages under the fields (the form is noValidate: no browser pop-ups). */
const loginFields = z.object({ email: emailField, password: z.string().min(1, accountKo.login.passwordRequired) });

export function LoginForm(props: { callbackUrl: string; initialError: string | null; initialIsUnverified: boolean; notice: string | null }) {
  const [state, formAction, isPending] = useActionState<LoginState, FormData>(login, {
    error: props.initialError,
    email: "",
    isUnverified: props.initialIsUnverified,
  });

  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  function validate(event: React.FormEvent<HTMLFormElement>) {
    const data = new FormData(event.currentTarget);
    const parsed = loginFields.safeParse({ email: String(data.get("email") ?? ""), password: String(data.get("password") ?? "") });
    if (parsed.success) {
      setFieldErrors({});
      return;
    }
    // Stops the server action: nothing is sent until the fields make sense.
    event.preventDefault();
    setFieldErrors(fieldErrorsFromZod(parsed.error));
  }
  const clearError = (field: string) => () =>
    setFieldErrors((errors) => {
      if (!(field in errors)) return errors;
      const next = { ...errors };
      delete next[field];
      return next;
    });

  return (
    <form action={formAction} onSubmit={validate} noValidate className="space-y-5">
      <input type="hidden" name="callbackUrl" value={props.callbackUrl} />

      {props.notice && !state.error ? (
        <FormMessage tone="success" testId="login-notice">
          {props.notice}
        </FormMessage>
      ) : null}

      <Field
        id="login-email"
        label={ko.auth.email}
        name="email"
        type="email"
        autoComplete="email"
        required
        defaultValue={state.email}
        error={fieldErrors.email}
        onChange={clearError("email")}
      />
      <Field
        id="login-password"
        label={ko.auth.password}
        name="password"
        type="password"
        autoComplete="current-password"
        required
        error={fieldErrors.password}
        onChange={clearError("password")}
      />

      {state.error ? (
        <FormMessage tone="error" testId="form-error">
          <p>{state.error}</p>
          {state.isUnverified ? (
            <Link
              href="/verify"
              onClick={() => rememberPendingEmail(state.email)}
              className="mt-1 inline-block font-semibold text-red-800 underline underline-offset-2"
            >
              {accountKo.login.resendCode}
            </Link>
          ) : null}
        </FormMessage>
      ) : null}

      <button type="submit" disabled={isPending} aria-busy={isPending} className={`${primaryButtonClass} w-full`}>
        {ko.auth.submit}
      </button>
    </form>
  );
}
