
import type { DepsOf } from "~/server/deps.ts";
import { readSaleTimeline } from "~/server/domain/sales/read-sale-timeline.ts";
import { getQueueStatus } from "~/server/domain/sales/waiting-room.ts";

/** The waiting room as the dashboard sees it: length, admitted so far, and the admission rate of the last minute. */
export async function getQueueStats(deps: DepsOf<"db" | "redis" | "clock" | "saleEngine" | "config">, saleId: number) {
  const status = await getQueueStatus(deps, { saleId, userId: null });
  if (status.state === "OFF") return { isEnabled: false as const };
  const nowMs = deps.clock.now().getTime();
  const lastMinute = await readSaleTimeline(deps, { saleId, fromMs: nowMs - 60_000, toMs: nowMs });
  const admittedLastMinute = lastMinute.reduce((sum, point) => sum + point.admitted, 0);
  return {
    isEnabled: true as const,
    queueLength: status.queueLength,
    waiting: Math.max(0, status.queueLength - status.admittedTotal),
    admittedTotal: status.admittedTotal,
    admissionRatePerMinute: admittedLastMinute,
    isSoldOut: status.state === "SOLD_OUT",
  };
}
