"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef } from "react";

import { FormMessage } from "~/app/_components/form.tsx";
import { restockKo } from "~/app/_i18n/restock.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";

const t = restockKo.unsubscribe;

/**
 * Unsubscribes as soon as the page runs in a browser: one click in the mail is enough. It is a POST from script on
 * purpose, so mail scanners that merely fetch links do not end people's alerts.
 */
export function UnsubscribeConfirm({ token }: { token: string | null }) {
  const trpc = useTRPC();
  const unsubscribe = useMutation(trpc.restock.unsubscribe.mutationOptions());
  const hasStarted = useRef(false);

  useEffect(() => {
    if (!token || hasStarted.current) return;
    hasStarted.current = true;
    unsubscribe.mutate({ token });
  }, [token, unsubscribe]);

  if (!token) return <Outcome tone="error" text={t.missingToken} />;
  if (unsubscribe.isError) return <Outcome tone="error" text={unsubscribe.error.message} />;
  if (!unsubscribe.data) {
    return (
      <p aria-busy="true" className="mt-6 text-zinc-600">
        {t.working}
      </p>
    );
  }
  return (
    <div className="mt-6 space-y-4">
      <FormMessage tone="success" testId="restock-unsubscribed">
        <p className="font-semibold">{t.done}</p>
        <p className="mt-1">{t.doneDetail(unsubscribe.data.productName)}</p>
      </FormMessage>
      <Link href={unsubscribe.data.path} className="inline-block text-sm font-medium text-brand-700 underline underline-offset-2">
        {t.viewProduct}
      </Link>
    </div>
  );
}

function Outcome({ tone, text }: { tone: "error"; text: string }) {
  return (
    <div className="mt-6 space-y-4">
      <FormMessage tone={tone} testId="restock-unsubscribe-error">
        {text}
      </FormMessage>
      <Link href="/" className="inline-block text-sm font-medium text-brand-700 underline underline-offset-2">
        {t.home}
      </Link>
    </div>
  );
}
