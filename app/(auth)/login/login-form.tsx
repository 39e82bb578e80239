"use client";

import { useActionState } from "react";

import { login, type LoginState } from "~/app/(auth)/login/actions.ts";
import { ko } from "~/app/_i18n/ko.ts";

const inputClass =
  "mt-1 block h-11 w-full rounded-lg border border-zinc-300 bg-white px-3 text-zinc-900 placeholder:text-zinc-400 focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-brand-100";

export function LoginForm({ callbackUrl, initialError }: { callbackUrl: string; initialError: string | null }) {
  const [state, formAction, isPending] = useActionState<LoginState, FormData>(login, {
    error: initialError,
    email: "",
  });

  return (
    <form action={formAction} className="space-y-5">
      <input type="hidden" name="callbackUrl" value={callbackUrl} />

      <div>
        <label htmlFor="login-email" className="block text-sm font-medium text-zinc-800">
          {ko.auth.email}
        </label>
        <input
          id="login-email"
          name="email"
          type="email"
          autoComplete="email"
          required
          defaultValue={state.email}
          className={inputClass}
        />
      </div>

      <div>
        <label htmlFor="login-password" className="block text-sm font-medium text-zinc-800">
          {ko.auth.password}
        </label>
        <input
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className={inputClass}
        />
      </div>

      {state.error ? (
        <p
          role="alert"
          data-testid="form-error"
          className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700"
        >
          {state.error}
        </p>
      ) : null}

      <button
        type="submit"
        disabled={isPending}
        aria-busy={isPending}
        className="h-11 w-full rounded-lg bg-brand-600 font-semibold text-white hover:bg-brand-700 disabled:opacity-60"
      >
        {ko.auth.submit}
      </button>
    </form>
  );
}
