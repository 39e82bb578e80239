"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";

import { loginHref } from "~/app/(shop)/_lib/login-href.ts";
import { restockKo } from "~/app/_i18n/restock.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";

const t = restockKo.button;

type RestockAlertButtonProps = { target: { productId: number } | { saleId: number } };

/**
 * "재입고 알림 신청" on something sold out. The page renders the same for every visitor; who is signed in and whether
 * they already asked comes from restock.status in the browser. Signed-out visitors get a sign-in link back here.
 */
export function RestockAlertButton({ target }: RestockAlertButtonProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pathname = usePathname();
  const [notice, setNotice] = useState<{ tone: "ok" | "error"; text: string } | null>(null);

  const status = useQuery(trpc.restock.status.queryOptions(target));
  const statusKey = trpc.restock.status.queryKey(target);
  const onSettled = (text: string) => ({
    onSuccess: (result: { isSubscribed: boolean }) => {
      queryClient.setQueryData(statusKey, (old) => (old ? { ...old, isSubscribed: result.isSubscribed } : old));
      void queryClient.invalidateQueries({ queryKey: trpc.restock.list.queryKey() });
      setNotice({ tone: "ok", text });
    },
    onError: (error: { message: string }) => setNotice({ tone: "error", text: error.message || t.failed }),
  });
  const subscribe = useMutation(trpc.restock.subscribe.mutationOptions(onSettled(t.subscribedNotice)));
  const cancel = useMutation(trpc.restock.cancel.mutationOptions(onSettled(t.canceledNotice)));
  const isPending = subscribe.isPending || cancel.isPending;
  const intro = "saleId" in target ? t.saleIntro : t.intro;

  if (!status.data) return <div className="mt-4 h-11" aria-hidden="true" />;

  return (
    <div className="mt-4" data-testid="restock-alert">
      <p className="text-sm text-zinc-600">{intro}</p>
      {!status.data.isSignedIn ? (
        <Link
          href={loginHref(pathname)}
          className="mt-3 flex h-11 items-center justify-center rounded-xl border border-zinc-300 text-sm font-semibold text-zinc-800 hover:bg-zinc-50"
        >
          {t.signIn}
        </Link>
      ) : status.data.isSubscribed ? (
        <div className="mt-3 flex h-11 items-center justify-between gap-3 rounded-xl bg-emerald-50 px-4 text-sm ring-1 ring-emerald-200">
          <span className="font-semibold text-emerald-800" data-testid="restock-alert-state">
            {t.subscribed}
          </span>
          <button
            type="button"
            disabled={isPending}
            onClick={() => cancel.mutate(target)}
            className="font-medium text-zinc-700 underline underline-offset-2 hover:text-zinc-900 disabled:opacity-60"
          >
            {isPending ? t.working : t.cancel}
          </button>
        </div>
      ) : (
        <button
          type="button"
          disabled={isPending}
          onClick={() => subscribe.mutate(target)}
          className="mt-3 h-11 w-full rounded-xl bg-zinc-900 text-sm font-semibold text-white hover:bg-zinc-700 disabled:opacity-60"
        >
          {isPending ? t.working : t.subscribe}
        </button>
      )}
      {notice ? (
        <p role="status" data-testid="restock-alert-notice" className={`mt-2 text-sm ${notice.tone === "error" ? "text-red-700" : "text-zinc-700"}`}>
          {notice.text}
        </p>
      ) : null}
    </div>
  );
}
