"use client";

import Link from "next/link";
import { useActionState } from "react";

import { rememberPendingEmail } from "~/app/(auth)/_lib/pending-email.ts";
import { login, type LoginState } from "~/app/(auth)/login/actions.ts";
import { Field, FormMessage, primaryButtonClass } from "~/app/_components/form.tsx";
import { accountKo } from "~/app/_i18n/account.ts";
import { ko } from "~/app/_i18n/ko.ts";

export function LoginForm(props: { callbackUrl: string; initialError: string | null; initialIsUnverified: boolean; notice: string | null }) {
  const [state, formAction, isPending] = useActionState<LoginState, FormData>(login, {
    error: props.initialError,
    email: "",
    isUnverified: props.initialIsUnverified,
  });

  return (
    <form action={formAction} className="space-y-5">
      <input type="hidden" name="callbackUrl" value={props.callbackUrl} />

      {props.notice && !state.error ? (
        <FormMessage tone="success" testId="login-notice">
          {props.notice}
        </FormMessage>
      ) : null}

      <Field id="login-email" label={ko.auth.email} name="email" type="email" autoComplete="email" required defaultValue={state.email} />
      <Field id="login-password" label={ko.auth.password} name="password" type="password" autoComplete="current-password" required />

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
