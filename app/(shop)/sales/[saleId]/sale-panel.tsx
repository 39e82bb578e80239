"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";

import { saleStrings as t } from "~/app/_i18n/sale.ts";
import { formatCountdown, formatSeoulTime } from "~/app/_lib/format.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";
import { WaitingRoom, type WaitingRoomConfig } from "~/app/(shop)/sales/[saleId]/waiting-room.tsx";
import type { AppRouter } from "~/server/api/root.ts";

type Phase = "UPCOMING" | "OPEN" | "PAUSED" | "SOLD_OUT" | "CLOSED";
type LiveStatus = { quantity: number; sold: number; held: number; available: number; isPaused: boolean; isClosed: boolean; phase: Phase; serverNow: number };
type Notice = { tone: "info" | "error"; text: string } | null;

/**
 * Polls faster near the open time. Each page draws its jitter once, so thousands of viewers never poll in lockstep
 * while each page's interval stays stable (a new value on every render would restart React Query's timer forever).
 */
function usePollInterval(msToOpen: number) {
  const [jitter] = useState(() => Math.random());
  const base = msToOpen > 60_000 ? 5_000 : 1_500;
  return Math.round(base * (1 + 0.4 * jitter));
}

/**
 * The browser's clock may be minutes off. The offset to the server clock is estimated from a round trip
 * (NTP-style midpoint) and refreshed by every status poll, so the countdown ends when the server opens the sale.
 */
function useServerClock(initialServerNow: number) {
  const [offsetMs, setOffsetMs] = useState(() => initialServerNow - Date.now());
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useEffect(() => {
    const sentAt = Date.now();
    void queryClient.fetchQuery({ ...trpc.system.time.queryOptions(), staleTime: 0 }).then(({ now }) => {
      const receivedAt = Date.now();
      setOffsetMs(now - (sentAt + receivedAt) / 2);
    });
  }, [queryClient, trpc]);
  /** Later server timestamps (status polls) correct drift; a jump beyond half a second means the server clock moved. */
  const observe = useCallback((serverNow: number) => {
    const observed = serverNow - Date.now();
    setOffsetMs((current) => (Math.abs(observed - current) > 500 ? observed : current));
  }, []);
  return { offsetMs, observe };
}

function useNow(offsetMs: number) {
  const [now, setNow] = useState(() => Date.now() + offsetMs);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now() + offsetMs), 250);
    return () => clearInterval(timer);
  }, [offsetMs]);
  return now;
}

export function SalePanel(props: {
  saleId: number;
  opensAt: number;
  quantity: number;
  initialStatus: LiveStatus;
  isSignedIn: boolean;
  waitingRoom: WaitingRoomConfig | null;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { offsetMs, observe: observeServerTime } = useServerClock(props.initialStatus.serverNow);
  const now = useNow(offsetMs);
  const msToOpen = props.opensAt - now;
  const [notice, setNotice] = useState<Notice>(null);
  const purchaseToken = useRef<{ token: string; expiresAtMs: number } | null>(null);
  const [admission, setAdmission] = useState<{ admissionPass: string; passExpiresAt: number } | null>(null);

  const pollInterval = usePollInterval(msToOpen);
  const status = useQuery({
    ...trpc.sale.status.queryOptions({ id: props.saleId }),
    initialData: props.initialStatus,
    refetchInterval: pollInterval,
  });
  const live = status.data;
  useEffect(() => observeServerTime(live.serverNow), [live.serverNow, observeServerTime]);
  // The countdown reaching zero on the corrected clock opens the button at once; the next poll confirms it.
  const phase: Phase = live.phase === "UPCOMING" && msToOpen <= 0 ? "OPEN" : live.phase;

  const myState = useQuery({
    ...trpc.sale.myState.queryOptions({ saleId: props.saleId }),
    enabled: props.isSignedIn,
    refetchInterval: 5_000,
  });
  const hold = myState.data?.activeHold ?? null;
  const holdDeadline = hold ? new Date(hold.paymentDueAt).getTime() : null;
  const isHoldExpired = holdDeadline !== null && holdDeadline <= now;

  const issueToken = useMutation(trpc.sale.purchaseToken.mutationOptions());
  const reserve = useMutation(trpc.sale.reserve.mutationOptions());
  const subscribe = useMutation(trpc.sale.subscribe.mutationOptions());
  const unsubscribe = useMutation(trpc.sale.unsubscribe.mutationOptions());

  async function freshToken(force = false) {
    const current = purchaseToken.current;
    if (!force && current && current.expiresAtMs - 10_000 > Date.now() + offsetMs) return current.token;
    purchaseToken.current = await issueToken.mutateAsync({ saleId: props.saleId });
    return purchaseToken.current.token;
  }

  // Fetch the purchase token ahead of the open time, so the first click costs a single request.
  useEffect(() => {
    if (props.isSignedIn && msToOpen < 60_000 && !purchaseToken.current && !issueToken.isPending) void freshToken().catch(() => undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only the crossing of the one-minute mark matters
  }, [props.isSignedIn, msToOpen < 60_000]);

  async function buy() {
    setNotice(null);
    // One key per click: a double click or a network retry of this click gets the same answer.
    const idempotencyKey = crypto.randomUUID();
    try {
      let result;
      try {
        result = await reserve.mutateAsync({ saleId: props.saleId, idempotencyKey, purchaseToken: await freshToken(), admissionPass: admission?.admissionPass });
      } catch (error) {
        if (!(error instanceof TRPCClientError) || error.data?.code !== "UNAUTHORIZED") throw error;
        result = await reserve.mutateAsync({ saleId: props.saleId, idempotencyKey, purchaseToken: await freshToken(true), admissionPass: admission?.admissionPass });
      }
      if (result.outcome !== "WON") setNotice({ tone: "info", text: t.outcome[result.outcome] });
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.sale.myState.queryKey({ saleId: props.saleId }) }),
        queryClient.invalidateQueries({ queryKey: trpc.sale.status.queryKey({ id: props.saleId }) }),
      ]);
    } catch (error) {
      const data = error instanceof TRPCClientError ? (error as TRPCClientError<AppRouter>).data : undefined;
      // UNAUTHORIZED here means even a fresh purchase token was refused: this session was logged out meanwhile.
      const text = data?.code === "TOO_MANY_REQUESTS" ? t.rateLimited(data.retryAfterS ?? 5) : data?.code === "UNAUTHORIZED" ? t.sessionEnded : t.tryAgain;
      setNotice({ tone: "error", text });
    }
  }

  async function toggleSubscription() {
    const next = myState.data?.isSubscribed ? unsubscribe : subscribe;
    await next.mutateAsync({ saleId: props.saleId });
    await queryClient.invalidateQueries({ queryKey: trpc.sale.myState.queryKey({ saleId: props.saleId }) });
  }

  const hasReachedLimit = Boolean(myState.data?.hasReachedLimit) && !hold;
  const needsAdmission = props.waitingRoom !== null && !(admission && admission.passExpiresAt > now);
  const canBuy = phase === "OPEN" && props.isSignedIn && !hold && !hasReachedLimit && !reserve.isPending && !needsAdmission;

  return (
    <section aria-label="구매" className="mt-6 rounded-2xl border border-zinc-200 p-5">
      <div className="flex items-center justify-between gap-4">
        <p className="text-sm font-semibold text-zinc-900" data-testid="sale-phase">
          {t.phase[phase]}
        </p>
        <p className="text-sm text-zinc-600" data-testid="sale-remaining" aria-live="polite">
          {t.remaining(live.available, live.quantity)}
        </p>
      </div>
      <div className="mt-2 h-2 overflow-hidden rounded-full bg-zinc-100" aria-hidden="true">
        <div className="h-full bg-rose-500 transition-all" style={{ width: `${Math.min(100, ((live.sold + live.held) / Math.max(1, live.quantity)) * 100)}%` }} />
      </div>
      <p className="mt-2 text-xs text-zinc-500">
        <span data-testid="sale-sold">{t.soldCount(live.sold)}</span> · {t.heldCount(live.held)}
      </p>

      {phase === "UPCOMING" ? (
        <div className="mt-5 text-center">
          <p className="text-xs text-zinc-500">{t.countdownLabel}</p>
          <p className="mt-1 font-mono text-4xl font-bold tabular-nums text-zinc-900" role="timer" aria-label={t.countdownLabel} data-testid="sale-countdown">
            {formatCountdown(msToOpen)}
          </p>
        </div>
      ) : null}

      {props.waitingRoom && props.isSignedIn && !hold && phase !== "CLOSED" ? (
        <WaitingRoom saleId={props.saleId} config={props.waitingRoom} now={now} getPurchaseToken={() => freshToken()} onPass={setAdmission} />
      ) : null}

      {hold && !isHoldExpired ? (
        <div role="status" className="mt-5 rounded-xl bg-emerald-50 p-4 text-sm text-emerald-900" data-testid="sale-hold">
          <p>{t.holding(formatSeoulTime(holdDeadline!))}</p>
          <p className="mt-1 font-mono text-lg font-semibold tabular-nums">{formatCountdown(holdDeadline! - now)}</p>
          <Link href={`/orders/${hold.orderId}/pay`} className="mt-3 inline-flex rounded-lg bg-emerald-600 px-4 py-2 font-semibold text-white hover:bg-emerald-700">
            {t.payNow}
          </Link>
        </div>
      ) : null}

      {(isHoldExpired || (!hold && myState.data?.lastExpiredOrderId)) && phase !== "UPCOMING" ? (
        <p role="status" className="mt-5 rounded-xl bg-amber-50 p-4 text-sm text-amber-900" data-testid="sale-hold-expired">
          {t.holdExpired}
        </p>
      ) : null}

      {myState.data && myState.data.purchasedCount > 0 ? (
        <p className="mt-5 text-sm text-zinc-700" data-testid="sale-purchased">
          {t.purchased(myState.data.purchasedCount)}{" "}
          <Link className="font-semibold text-rose-600 underline" href={`/account/orders/${myState.data.purchasedOrderIds[0]}`}>
            {t.viewOrder}
          </Link>
        </p>
      ) : null}

      {hasReachedLimit && phase === "OPEN" ? (
        <p role="status" className="mt-5 text-sm text-zinc-700" data-testid="sale-limit">
          {t.outcome.LIMIT_REACHED}
        </p>
      ) : null}

      {phase === "PAUSED" ? <p className="mt-5 text-sm text-amber-700">{t.pausedNotice}</p> : null}
      {phase === "SOLD_OUT" && !hold ? (
        <p className="mt-5 text-sm font-semibold text-zinc-900" data-testid="sale-sold-out">
          {t.outcome.SOLD_OUT}
        </p>
      ) : null}

      <div className="mt-5 flex flex-col gap-3">
        {props.isSignedIn ? (
          <button
            type="button"
            onClick={() => void buy()}
            disabled={!canBuy}
            className="h-12 rounded-xl bg-rose-600 text-base font-semibold text-white transition hover:bg-rose-700 disabled:cursor-not-allowed disabled:bg-zinc-300"
          >
            {reserve.isPending ? t.buying : phase === "UPCOMING" ? t.notOpenYet : t.buy}
          </button>
        ) : (
          <Link href={`/login?callbackUrl=/sales/${props.saleId}`} className="flex h-12 items-center justify-center rounded-xl bg-zinc-900 text-base font-semibold text-white hover:bg-zinc-700">
            {t.signInToBuy}
          </Link>
        )}
        {props.isSignedIn && phase === "UPCOMING" ? (
          <button type="button" onClick={() => void toggleSubscription()} className="h-11 rounded-xl border border-zinc-300 text-sm font-medium text-zinc-800 hover:bg-zinc-50" aria-pressed={Boolean(myState.data?.isSubscribed)}>
            {myState.data?.isSubscribed ? `${t.notifyDone} · ${t.notifyCancel}` : t.notify}
          </button>
        ) : null}
      </div>

      {notice ? (
        <p role="alert" data-testid="sale-notice" className={`mt-4 text-sm ${notice.tone === "error" ? "text-red-700" : "text-zinc-800"}`}>
          {notice.text}
        </p>
      ) : null}
    </section>
  );
}
