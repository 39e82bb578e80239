"use client";

import { useQuery } from "@tanstack/react-query";

import { saleStrings as t } from "~/app/_i18n/sale.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";

/**
 * An open (or about to open) sale is polled as often as its own page polls, so a sell-out reaches the strip within 2 s
 * (1.5 s here plus the server's 0.5 s status cache); the strip's calls go out as one batched request. Later sales slowly.
 */
const LIVE_POLL_MS = 1_500;
const LATER_POLL_MS = 10_000;

/**
 * One sale's state on the home page's strip, from the live status (sale.status), never from the HTML: the home page
 * is cached and shared, and a sold-out or paused sale must never be offered as 지금 구매 가능. Until the first status
 * arrives, it says only that its state is being checked.
 */
export function SaleStripState({ saleId, opensAt, opensAtLabel }: { saleId: number; opensAt: number; opensAtLabel: string }) {
  const trpc = useTRPC();
  const status = useQuery({
    ...trpc.sale.status.queryOptions({ id: saleId }),
    // The server's clock (from the last answer) decides "near the open"; before any answer, the browser's.
    refetchInterval: (query) => (opensAt - (query.state.data?.serverNow ?? Date.now()) < 60_000 ? LIVE_POLL_MS : LATER_POLL_MS),
  });
  const live = status.data;

  if (!live) return <span data-testid="sale-strip-state">{t.stripChecking}</span>;
  const label =
    live.phase === "UPCOMING"
      ? t.stripOpensAt(opensAtLabel)
      : live.phase === "PAUSED"
        ? t.stripPaused
        : live.phase === "CLOSED"
          ? t.stripClosed
          : live.available > 0
            ? t.stripOpenNow
            : live.held > 0
              ? t.stripAllHeld
              : t.stripSoldOut;
  return <span data-testid="sale-strip-state">{label}</span>;
}
