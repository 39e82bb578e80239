"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";

import { saleStrings as t } from "~/app/_i18n/sale.ts";
import { formatCountdown, formatSeoulTimeWithSeconds } from "~/app/_lib/format.ts";
import { useIsSignedIn } from "~/app/_components/viewer.tsx";
import { useTRPC } from "~/app/_trpc/client.tsx";
import { RestockAlertButton } from "~/app/(shop)/_components/restock-alert-button.tsx";
import { deriveSaleAvailability, type SalePhase as Phase } from "~/app/(shop)/sales/[saleId]/sale-availability.ts";
import { SaleReadiness } from "~/app/(shop)/sales/[saleId]/sale-readiness.tsx";
import { WaitingRoom, type WaitingRoomConfig } from "~/app/(shop)/sales/[saleId]/waiting-room.tsx";
import type { AppRouter } from "~/server/api/root.ts";

type LiveStatus = {
  quantity: number;
  sold: number;
  held: number;
  available: number;
  earliestHoldDueAt: number | null;
  isPaused: boolean;
  isClosed: boolean;
  phase: Phase;
  serverNow: number;
};
type Notice = { tone: "info" | "error"; text: string; outcome?: string } | null;

/**
 * Polls faster near the open time. Each page draws its jitter once, so thousands of viewers never poll in lockstep
 * while each page's interval stays stable (a new value on every render would restart React Query's timer forever).
 * From a minute before the open: at most 1.4 s apart, so with the server's 0.5 s status cache a sold-out, paused or
 * ended sale shows within 2 s, whatever the (cached) HTML said.
 */
function usePollInterval(msToOpen: number) {
  const [jitter] = useState(() => Math.random());
  const base = msToOpen > 60_000 ? 5_000 : 1_000;
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
  waitingRoom: WaitingRoomConfig | null;
}) {
  const trpc = useTRPC();
  // From the viewer, not the page: the sale page is cached HTML shared by every visitor (server/http/public-page-cache.ts).
  const isSignedIn = useIsSignedIn();
  const queryClient = useQueryClient();
  const { offsetMs, observe: observeServerTime } = useServerClock(props.initialStatus.serverNow);
  const now = useNow(offsetMs);
  const msToOpen = props.opensAt - now;
  const [notice, setNotice] = useState<Notice>(null);
  const purchaseToken = useRef<{ token: string; expiresAtMs: number } | null>(null);
  // One press, one request: set synchronously on the first press, so a second press (or a double click that lands
  // before React re-renders the disabled button) returns at once instead of sending a second reservation.
  const buyInFlight = useRef(false);
  const [isBuying, setIsBuying] = useState(false);
  const [admission, setAdmission] = useState<{ admissionPass: string; passExpiresAt: number } | null>(null);

  const pollInterval = usePollInterval(msToOpen);
  const status = useQuery({
    ...trpc.sale.status.queryOptions({ id: props.saleId }),
    initialData: props.initialStatus,
    // The HTML may come from the shared page cache (up to ~2 s old): ask for the live state as soon as the page mounts.
    staleTime: 0,
    refetchInterval: pollInterval,
  });
  const live = status.data;
  useEffect(() => observeServerTime(live.serverNow), [live.serverNow, observeServerTime]);
  // The countdown reaching zero on the corrected clock opens the button at once; the next poll confirms it.
  const phase: Phase = live.phase === "UPCOMING" && msToOpen <= 0 ? "OPEN" : live.phase;
  // Selling, all held (may come back) or sold out for good: decided once here for the panel, the buy bar and the queue.
  const availability = deriveSaleAvailability(phase, live, now);
  const mayReturnAt = availability.mayReturnAt === null ? null : formatSeoulTimeWithSeconds(availability.mayReturnAt);

  const myState = useQuery({
    ...trpc.sale.myState.queryOptions({ saleId: props.saleId }),
    enabled: isSignedIn,
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
    if (isSignedIn && msToOpen < 60_000 && !purchaseToken.current && !issueToken.isPending) void freshToken().catch(() => undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only the crossing of the one-minute mark matters
  }, [isSignedIn, msToOpen < 60_000]);

  async function buy() {
    if (buyInFlight.current) return;
    buyInFlight.current = true;
    setIsBuying(true);
    setNotice(null);
    // One key per press: the retry below (after a refused purchase token) and any network retry of this request get
    // the same answer.
    const idempotencyKey = crypto.randomUUID();
    try {
      let result;
      try {
        result = await reserve.mutateAsync({ saleId: props.saleId, idempotencyKey, purchaseToken: await freshToken(), admissionPass: admission?.admissionPass });
      } catch (error) {
        if (!(error instanceof TRPCClientError) || error.data?.code !== "UNAUTHORIZED") throw error;
        result = await reserve.mutateAsync({ saleId: props.saleId, idempotencyKey, purchaseToken: await freshToken(true), admissionPass: admission?.admissionPass });
      }
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.sale.myState.queryKey({ saleId: props.saleId }) }),
        queryClient.invalidateQueries({ queryKey: trpc.sale.status.queryKey({ id: props.saleId }) }),
      ]);
      if (result.outcome !== "WON") {
        // "Limit reached" while this buyer holds an unpaid unit (bought in another tab, or a press whose answer was
        // lost) is not a failure: the hold box below says what they have and where to pay.
        const mine = queryClient.getQueryData(trpc.sale.myState.queryKey({ saleId: props.saleId }));
        if (!(result.outcome === "LIMIT_REACHED" && mine?.activeHold)) setNotice({ tone: "info", text: t.outcome[result.outcome], outcome: result.outcome });
      }
    } catch (error) {
      const data = error instanceof TRPCClientError ? (error as TRPCClientError<AppRouter>).data : undefined;
      // UNAUTHORIZED here means even a fresh purchase token was refused: this session was logged out meanwhile.
      const text = data?.code === "TOO_MANY_REQUESTS" ? t.rateLimited(data.retryAfterS ?? 5) : data?.code === "UNAUTHORIZED" ? t.sessionEnded : t.tryAgain;
      setNotice({ tone: "error", text });
    } finally {
      buyInFlight.current = false;
      setIsBuying(false);
    }
  }

  async function toggleSubscription() {
    const next = myState.data?.isSubscribed ? unsubscribe : subscribe;
    await next.mutateAsync({ saleId: props.saleId });
    await queryClient.invalidateQueries({ queryKey: trpc.sale.myState.queryKey({ saleId: props.saleId }) });
  }

  const hasReachedLimit = Boolean(myState.data?.hasReachedLimit) && !hold;
  const needsAdmission = props.waitingRoom !== null && !(admission && admission.passExpiresAt > now);
  const canBuy = availability.kind === "OPEN" && isSignedIn && !hold && !hasReachedLimit && !isBuying && !needsAdmission;
  const activeHold = hold && !isHoldExpired ? { orderId: hold.orderId, deadline: holdDeadline! } : null;
  const shownNotice =
    notice?.outcome === "LIMIT_REACHED" && activeHold
      ? null
      : // The script answers SOLD_OUT whenever nothing is available now; unless every unit is paid, that is not final.
        notice?.outcome === "SOLD_OUT" && availability.kind !== "SOLD_OUT"
        ? { ...notice, text: t.outcome.ALL_HELD }
        : notice;
  const buyLabel = isBuying ? t.buying : phase === "UPCOMING" ? t.notOpenYet : t.buy;

  const buyButton = (className: string) =>
    isSignedIn ? (
      <button type="button" onClick={() => void buy()} disabled={!canBuy} aria-busy={isBuying} className={`${className} bg-brand-600 text-white transition hover:bg-brand-700 disabled:cursor-not-allowed disabled:bg-zinc-300 disabled:text-zinc-700`}>
        {buyLabel}
      </button>
    ) : (
      <Link href={`/login?callbackUrl=/sales/${props.saleId}`} className={`${className} flex items-center justify-center bg-zinc-900 text-white hover:bg-zinc-700`}>
        {t.signInToBuy}
      </Link>
    );

  return (
    <section aria-label={t.panelLabel} className="mt-6 rounded-2xl border border-zinc-200 bg-white p-5">
      <div className="flex items-center justify-between gap-4">
        <p className="whitespace-nowrap text-sm font-semibold text-zinc-900" data-testid="sale-phase">
          {t.phase[availability.kind]}
        </p>
        <p className="text-sm text-zinc-600" data-testid="sale-remaining" aria-live="polite">
          {t.remaining(live.available, live.quantity)}
        </p>
      </div>
      <div className="mt-2 h-2 overflow-hidden rounded-full bg-zinc-100" aria-hidden="true">
        <div className="h-full bg-brand-600 transition-all" style={{ width: `${Math.min(100, ((live.sold + live.held) / Math.max(1, live.quantity)) * 100)}%` }} />
      </div>
      <p className="mt-2 text-xs text-zinc-600">
        <span data-testid="sale-sold">{t.soldCount(live.sold)}</span> · {t.heldCount(live.held)}
      </p>

      {/* On phones the sticky buy bar below carries the countdown and the button; here they are for wider screens. */}
      {phase === "UPCOMING" ? (
        <div className="mt-5 hidden text-center md:block">
          <p className="text-xs text-zinc-600">{t.countdownLabel}</p>
          <p className="mt-1 font-mono text-4xl font-bold tabular-nums text-zinc-900" role="timer" aria-label={t.countdownLabel} data-testid="sale-countdown">
            {formatCountdown(msToOpen)}
          </p>
        </div>
      ) : null}

      {props.waitingRoom && isSignedIn && !hold && phase !== "CLOSED" ? (
        <WaitingRoom saleId={props.saleId} config={props.waitingRoom} now={now} availability={availability} getPurchaseToken={() => freshToken()} onPass={setAdmission} />
      ) : null}

      {activeHold ? (
        <div role="status" className="mt-5 rounded-xl bg-emerald-50 p-4 text-sm text-emerald-900" data-testid="sale-hold">
          <p>{t.holding(formatSeoulTimeWithSeconds(activeHold.deadline))}</p>
          <p className="mt-2 flex items-baseline gap-2">
            <span className="text-xs font-medium">{t.holdCountdownLabel}</span>
            <span className="font-mono text-lg font-semibold tabular-nums">{formatCountdown(activeHold.deadline - now)}</span>
          </p>
          <Link href={`/orders/${activeHold.orderId}/pay`} className="mt-3 hidden rounded-lg bg-emerald-700 px-4 py-2 font-semibold text-white hover:bg-emerald-800 md:inline-flex">
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
          <Link className="font-semibold text-brand-700 underline" href={`/account/orders/${myState.data.purchasedOrderIds[0]}`}>
            {t.viewOrder}
          </Link>
        </p>
      ) : null}

      {hasReachedLimit && phase === "OPEN" ? (
        <p role="status" className="mt-5 text-sm text-zinc-700" data-testid="sale-limit">
          {t.outcome.LIMIT_REACHED}
        </p>
      ) : null}

      {phase === "PAUSED" ? <p className="mt-5 text-sm text-amber-800">{t.pausedNotice}</p> : null}
      {availability.kind === "SOLD_OUT" && !hold ? (
        <p className="mt-5 text-sm font-semibold text-zinc-900" data-testid="sale-sold-out">
          {t.outcome.SOLD_OUT}
        </p>
      ) : null}
      {availability.kind === "ALL_HELD" && !activeHold ? (
        <p role="status" className="mt-5 rounded-xl bg-amber-50 p-4 text-sm text-amber-900" data-testid="sale-all-held">
          {t.allHeld(availability.held, mayReturnAt)}
        </p>
      ) : null}
      {/* Nothing to buy now, but units can come back: the shopper may ask to be told (restock alerts). */}
      {(availability.kind === "SOLD_OUT" || availability.kind === "ALL_HELD") && !activeHold ? <RestockAlertButton target={{ saleId: props.saleId }} /> : null}

      <div className="mt-5 flex flex-col gap-3">
        <div className="hidden flex-col md:flex">{buyButton("h-12 rounded-xl text-base font-semibold")}</div>
        {isSignedIn && phase === "UPCOMING" ? (
          <button type="button" onClick={() => void toggleSubscription()} className="h-11 rounded-xl border border-zinc-300 text-sm font-medium text-zinc-800 hover:bg-zinc-50" aria-pressed={Boolean(myState.data?.isSubscribed)}>
            {myState.data?.isSubscribed ? `${t.notifyDone} · ${t.notifyCancel}` : t.notify}
          </button>
        ) : null}
      </div>

      {/* Before the drop: the address and payment method, so paying a win is one tap. After the open the pay page asks. */}
      {isSignedIn && phase === "UPCOMING" ? <SaleReadiness saleId={props.saleId} /> : null}

      {shownNotice ? (
        <p role="alert" data-testid="sale-notice" className={`mt-4 hidden text-sm md:block ${shownNotice.tone === "error" ? "text-red-700" : "text-zinc-800"}`}>
          {shownNotice.text}
        </p>
      ) : null}

      {/*
        Phones: the countdown, the state and the button stay on screen wherever the page is scrolled. The same state
        and the same buy() as above; only one of the two buttons is ever displayed (md:hidden / hidden md:flex).
      */}
      <div
        data-sticky-buy-bar
        data-testid="buy-bar"
        role="region"
        aria-label={t.buyBarLabel}
        className="fixed inset-x-0 bottom-0 z-20 border-t border-zinc-200 bg-white/95 px-4 pt-3 pb-[max(0.75rem,env(safe-area-inset-bottom))] shadow-[0_-4px_16px_rgb(0_0_0/0.06)] backdrop-blur md:hidden"
      >
        {shownNotice ? (
          <p role="alert" data-testid="buy-bar-notice" className={`mb-2 text-sm ${shownNotice.tone === "error" ? "text-red-700" : "text-zinc-800"}`}>
            {shownNotice.text}
          </p>
        ) : null}
        <div className="flex items-center gap-3">
          <div className="min-w-0 flex-1">
            {activeHold ? (
              <>
                <p className="truncate text-xs font-medium text-emerald-800">{t.holdCountdownLabel}</p>
                <p role="timer" aria-label={t.holdCountdownLabel} className="font-mono text-xl font-bold tabular-nums text-zinc-900">
                  {formatCountdown(activeHold.deadline - now)}
                </p>
              </>
            ) : phase === "UPCOMING" ? (
              <>
                <p className="truncate text-xs font-medium text-zinc-600">{t.countdownLabel}</p>
                <p role="timer" aria-label={t.countdownLabel} data-testid="buy-bar-countdown" className="font-mono text-xl font-bold tabular-nums text-zinc-900">
                  {formatCountdown(msToOpen)}
                </p>
              </>
            ) : (
              <>
                <p data-testid="buy-bar-phase" className="truncate text-sm font-semibold text-zinc-900">
                  {t.phase[availability.kind]}
                </p>
                <p className="truncate text-xs text-zinc-600" data-testid="buy-bar-detail">
                  {hasReachedLimit
                    ? t.limitShort
                    : availability.kind === "ALL_HELD"
                      ? t.allHeldShort(availability.held, mayReturnAt)
                      : needsAdmission && availability.kind === "OPEN" && isSignedIn
                        ? t.queueFirst
                        : t.remaining(live.available, live.quantity)}
                </p>
              </>
            )}
          </div>
          {activeHold ? (
            <Link href={`/orders/${activeHold.orderId}/pay`} className="flex h-12 shrink-0 items-center justify-center whitespace-nowrap rounded-xl bg-emerald-700 px-5 text-base font-semibold text-white hover:bg-emerald-800">
              {t.payNow}
            </Link>
          ) : (
            <div className="flex w-[11.5rem] shrink-0 flex-col">{buyButton("h-12 whitespace-nowrap rounded-xl px-3 text-base font-semibold")}</div>
          )}
        </div>
      </div>
    </section>
  );
}
