"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState, useSyncExternalStore } from "react";

import { readPendingEmail, rememberPendingEmail } from "~/app/(auth)/_lib/pending-email.ts";
import { Field, FormMessage, primaryButtonClass, secondaryButtonClass } from "~/app/_components/form.tsx";
import { accountKo } from "~/app/_i18n/account.ts";
import { fieldErrorsFromServer, fieldErrorsFromZod, formErrorMessage } from "~/app/_lib/form-errors.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";
import { verificationCodeFields } from "~/server/domain/accounts/account-fields.ts";

const t = accountKo;

/** A countdown in whole seconds: set it, and it ticks down to 0 once a second. */
function useCountdown(initialSeconds: number) {
  const [seconds, setSeconds] = useState(initialSeconds);
  useEffect(() => {
    if (seconds <= 0) return;
    const timer = setTimeout(() => setSeconds((left) => Math.max(0, left - 1)), 1_000);
    return () => clearTimeout(timer);
  }, [seconds]);
  return [seconds, setSeconds] as const;
}

const noSubscription = () => () => {};

export function VerifyForm({ isMailSent, showSentNotice }: { isMailSent: boolean; showSentNotice: boolean }) {
  const router = useRouter();
  const trpc = useTRPC();
  // The address comes from this tab's sign-up or login (sessionStorage), never from the URL; typing overrides it.
  const pendingEmail = useSyncExternalStore(noSubscription, readPendingEmail, () => "");
  const [typedEmail, setTypedEmail] = useState<string | null>(null);
  const email = typedEmail ?? pendingEmail;
  const [code, setCode] = useState("");
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  // A code was just sent: the server's 60-second cooldown applies.
  const [secondsUntilResend, setSecondsUntilResend] = useCountdown(showSentNotice && isMailSent ? 60 : 0);

  const verify = useMutation(trpc.account.verifyEmail.mutationOptions({ onSuccess: () => router.push("/login?verified=1") }));
  const resend = useMutation(
    trpc.account.resendVerification.mutationOptions({
      onSuccess: (result) => setSecondsUntilResend(result.cooldownS),
      onError: (error) => {
        if (error.data?.retryAfterS) setSecondsUntilResend(error.data.retryAfterS);
      },
    }),
  );

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = verificationCodeFields.safeParse({ email, code });
    if (!parsed.success) {
      setClientErrors(fieldErrorsFromZod(parsed.error));
      return;
    }
    setClientErrors({});
    rememberPendingEmail(parsed.data.email);
    resend.reset();
    verify.mutate(parsed.data);
  }

  function requestNewCode() {
    const parsed = verificationCodeFields.shape.email.safeParse(email);
    if (!parsed.success) {
      setClientErrors({ email: parsed.error.issues[0]?.message ?? "" });
      return;
    }
    setClientErrors({});
    verify.reset();
    rememberPendingEmail(parsed.data);
    resend.mutate({ email: parsed.data });
  }

  const errors = { ...fieldErrorsFromServer(verify.error), ...clientErrors };
  const verifyError = formErrorMessage(verify.error);
  // The cooldown is shown by the button itself; other resend failures are worth a message.
  const resendError = resend.error?.data?.code === "TOO_MANY_REQUESTS" && resend.error.data.domainCode === "RATE_LIMITED" && secondsUntilResend > 0 ? null : formErrorMessage(resend.error);

  return (
    <form onSubmit={submit} noValidate className="space-y-5">
      {showSentNotice ? (
        <FormMessage tone={isMailSent ? "info" : "error"} testId="verify-sent">
          {isMailSent ? (email ? t.verify.sentTo(email) : t.verify.intro) : t.verify.mailNotSent}
        </FormMessage>
      ) : null}

      <Field label={t.fields.email} name="email" type="email" autoComplete="email" required value={email} onChange={(event) => setTypedEmail(event.target.value)} error={errors.email} />
      <Field
        label={t.fields.code}
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={6}
        required
        value={code}
        onChange={(event) => setCode(event.target.value.replace(/\D/g, ""))}
        hint={t.fields.codeHint}
        error={errors.code}
      />

      {verifyError ? (
        <FormMessage tone="error" testId="form-error">
          {verifyError}
        </FormMessage>
      ) : null}
      {resend.isSuccess ? (
        <FormMessage tone="success" testId="resend-success">
          {t.verify.resent}
        </FormMessage>
      ) : null}
      {resendError ? (
        <FormMessage tone="error" testId="resend-error">
          {resendError}
        </FormMessage>
      ) : null}

      <button type="submit" disabled={verify.isPending} aria-busy={verify.isPending} className={`${primaryButtonClass} w-full`}>
        {verify.isPending ? t.verify.submitting : t.verify.submit}
      </button>
      <div className="text-center">
        <button type="button" onClick={requestNewCode} disabled={resend.isPending || secondsUntilResend > 0} className={secondaryButtonClass}>
          {resend.isPending ? t.verify.resending : t.verify.resend}
        </button>
        {secondsUntilResend > 0 ? (
          <p className="mt-2 text-xs text-zinc-500" data-testid="resend-countdown">
            {t.verify.resendIn(secondsUntilResend)}
          </p>
        ) : null}
      </div>
    </form>
  );
}
