"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useState } from "react";

import { saleStrings } from "~/app/_i18n/sale.ts";
import { formatCountdown, formatSeoulTime, formatSeoulTimeWithSeconds } from "~/app/_lib/format.ts";
import { useTRPC, useTRPCClient } from "~/app/_trpc/client.tsx";
import type { SaleAvailability } from "~/app/(shop)/sales/[saleId]/sale-availability.ts";

const t = saleStrings.queue;

export type WaitingRoomConfig = { fairnessMode: "FIFO" | "SHUFFLE_AT_OPEN" | "RAFFLE"; queueOpensAt: number };

/** Nobody to watch: the account has no place (or the room is off), so polling waits for a join. */
const IDLE_STATES = new Set(["NOT_IN_QUEUE", "OFF"]);

/**
 * The waiting room: join once, then watch your place. The server keeps one place per account, so the page asks for it
 * as soon as the line is open (a reload, a second tab or a new login shows the same place without joining again);
 * queueStatus never joins anyone. Admission hands out a pass that the buy button sends along; the page tells the truth
 * at every step (place, people ahead, units left or held, sold out only when it is final).
 */
export function WaitingRoom(props: {
  saleId: number;
  config: WaitingRoomConfig;
  now: number;
  /** The page's one reading of the units (sale-availability.ts), shared with the panel and the buy bar. */
  availability: SaleAvailability;
  getPurchaseToken: () => Promise<string>;
  onPass: (pass: { admissionPass: string; passExpiresAt: number } | null) => void;
}) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  // Drawn once per page: jitter keeps thousands of waiting pages apart, a stable value keeps the timer running.
  const [pollInterval] = useState(() => 2_000 + Math.round(Math.random() * 1_500));
  const [joinMessage, setJoinMessage] = useState<string | null>(null);
  const join = useMutation(trpc.sale.queueJoin.mutationOptions());

  const isQueueOpen = props.now >= props.config.queueOpensAt;
  const status = useQuery({
    queryKey: ["queue-status", props.saleId],
    enabled: isQueueOpen,
    // Always asked afresh on mount and dropped on unmount: a place belongs to the signed-in account, not to the tab.
    staleTime: 0,
    gcTime: 0,
    refetchInterval: (query) => (IDLE_STATES.has(query.state.data?.state ?? "") ? false : pollInterval),
    queryFn: async () => {
      const result = await client.sale.queueStatus.query({ saleId: props.saleId, purchaseToken: await props.getPurchaseToken() });
      props.onPass(result.admissionPass && result.passExpiresAt ? { admissionPass: result.admissionPass, passExpiresAt: new Date(result.passExpiresAt).getTime() } : null);
      return result;
    },
  });

  async function joinQueue(rejoin = false) {
    setJoinMessage(null);
    try {
      const result = await join.mutateAsync({ saleId: props.saleId, rejoin, purchaseToken: await props.getPurchaseToken() });
      if (result.state === "JOINED" || result.state === "ALREADY") {
        await status.refetch();
        return;
      }
      setJoinMessage(result.state === "SOLD_OUT" ? t.soldOut : result.state === "RAFFLE_CLOSED" ? t.raffleClosed : result.state === "NOT_YET" ? t.notYet : t.closed);
    } catch (error) {
      setJoinMessage(error instanceof TRPCClientError ? error.message : saleStrings.tryAgain);
    }
  }

  const data = status.data;
  const { availability } = props;
  // The join button shows only once the server has said this account has no place (or could not say).
  const canJoin = isQueueOpen && (data?.state === "NOT_IN_QUEUE" || (!data && status.isError));
  return (
    <section aria-labelledby="queue-heading" className="mt-5 rounded-xl bg-zinc-50 p-4">
      <h2 id="queue-heading" className="text-sm font-semibold text-zinc-900">
        {t.heading}
      </h2>
      <p className="mt-1 text-xs text-zinc-600" data-testid="queue-fairness">
        {t.fairness[props.config.fairnessMode]}
      </p>

      {!isQueueOpen ? (
        <p className="mt-3 text-sm text-zinc-700">{t.opensAt(formatSeoulTime(props.config.queueOpensAt))}</p>
      ) : canJoin ? (
        <button type="button" onClick={() => void joinQueue()} disabled={join.isPending} className="mt-3 h-11 w-full rounded-xl bg-zinc-900 text-sm font-semibold text-white hover:bg-zinc-700 disabled:bg-zinc-300">
          {t.join}
        </button>
      ) : !data ? (
        <p className="mt-3 text-sm text-zinc-600" data-testid="queue-checking" aria-live="polite">
          {t.checking}
        </p>
      ) : null}

      {data && data.state === "WAITING" ? (
        <dl className="mt-3 grid grid-cols-2 gap-3 text-sm" data-testid="queue-status">
          <div>
            <dt className="text-xs text-zinc-500">{t.position}</dt>
            <dd className="text-2xl font-bold tabular-nums text-zinc-900" data-testid="queue-position">
              {data.position?.toLocaleString("ko-KR")}
            </dd>
          </div>
          <div>
            <dt className="text-xs text-zinc-500">{t.ahead}</dt>
            <dd className="text-2xl font-bold tabular-nums text-zinc-900" data-testid="queue-ahead">
              {t.people(data.peopleAhead ?? 0)}
            </dd>
          </div>
          <div>
            <dt className="text-xs text-zinc-500">{t.estimatedWait}</dt>
            <dd className="font-semibold text-zinc-900">{data.estimatedWaitS === null ? t.waitUnknown : t.waitSeconds(data.estimatedWaitS)}</dd>
          </div>
          <div>
            <dt className="text-xs text-zinc-500">{t.unitsLeft}</dt>
            <dd className="font-semibold text-zinc-900" data-testid="queue-units-left">
              {availability.available.toLocaleString("ko-KR")}
              {availability.held > 0 ? <span className="ml-1 text-xs font-normal text-zinc-600">({t.heldNote(availability.held)})</span> : null}
            </dd>
          </div>
          {availability.kind === "ALL_HELD" ? (
            <p className="col-span-2 text-xs text-amber-900" data-testid="queue-all-held">
              {saleStrings.allHeldShort(availability.held, availability.mayReturnAt === null ? null : formatSeoulTimeWithSeconds(availability.mayReturnAt))}
            </p>
          ) : (
            <p className="col-span-2 text-xs text-zinc-600" data-testid="queue-chance">
              {t.chance(availability.available, data.peopleAhead ?? 0)}
            </p>
          )}
        </dl>
      ) : null}

      {data && data.state === "ADMITTED" && data.passExpiresAt ? (
        <p role="status" className="mt-3 rounded-lg bg-emerald-50 p-3 text-sm text-emerald-900" data-testid="queue-admitted">
          {t.admitted(formatSeoulTime(data.passExpiresAt))} ({formatCountdown(new Date(data.passExpiresAt).getTime() - props.now)})
        </p>
      ) : null}

      {data && data.state === "SOLD_OUT" ? (
        <p role="status" className="mt-3 text-sm font-semibold text-zinc-900" data-testid="queue-sold-out">
          {t.soldOut}
        </p>
      ) : null}

      {data && data.state === "PASS_LAPSED" ? (
        <div className="mt-3">
          <p className="text-sm text-zinc-700">{t.lapsed}</p>
          <button type="button" onClick={() => void joinQueue(true)} className="mt-2 h-10 rounded-lg border border-zinc-300 px-4 text-sm font-medium">
            {t.rejoin}
          </button>
        </div>
      ) : null}

      {joinMessage ? (
        <p role="alert" className="mt-3 text-sm text-zinc-800" data-testid="queue-message">
          {joinMessage}
        </p>
      ) : null}
    </section>
  );
}
