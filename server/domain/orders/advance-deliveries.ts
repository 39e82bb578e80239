import type { DepsOf } from "~/server/deps.ts";
import { orderDelivered, orderShipped, type DomainEvent } from "~/server/domain/events.ts";
import type { AppConfig } from "~/server/config.ts";
import { addMs, returnWindowEndsAt } from "~/server/domain/orders/order-timing.ts";
import { enqueueEvent } from "~/server/domain/outbox/enqueue-event.ts";
import type { OrderStatus } from "~/server/generated/prisma/enums.ts";

type Deps = DepsOf<"db" | "clock" | "config">;
type OrderTimings = AppConfig["orderTimings"];

/**
 * The three timed steps after payment. Each happens at the order's dueAt, and the new status's timestamp is that
 * scheduled moment (not the time the sweep ran), so a late sweep keeps the D+1/D+2 schedule and catches up.
 */
const STEPS = {
  ship: {
    from: "PAID",
    to: "SHIPPING",
    apply: (at: Date, timings: OrderTimings) => ({ shippedAt: at, dueAt: addMs(at, timings.deliverAfterMs) }),
    event: orderShipped,
  },
  deliver: {
    from: "SHIPPING",
    to: "DELIVERED",
    // Delivered orders wait for the end of the return window; then they are confirmed unless a return was asked.
    apply: (at: Date, timings: OrderTimings) => ({ deliveredAt: at, dueAt: returnWindowEndsAt(at, timings.returnWindowDays) }),
    event: orderDelivered,
  },
  confirm: {
    from: "DELIVERED",
    to: "CONFIRMED",
    apply: (at: Date) => ({ confirmedAt: at, dueAt: null }),
    event: null,
  },
} as const satisfies Record<string, { from: OrderStatus; to: OrderStatus; apply: (at: Date, timings: OrderTimings) => object; event: DomainEvent<string, typeof orderShipped.schema> | null }>;

export type DeliveryStep = keyof typeof STEPS;

/**
 * Moves one order one step if that step is due. A compare-and-set on (status, dueAt): run twice or concurrently, the
 * order moves once and its email is queued once. Returns whether this call moved it.
 */
export async function advanceOrder(deps: Deps, input: { orderId: string; step: DeliveryStep }) {
  const step = STEPS[input.step];
  const now = deps.clock.now();
  return deps.db.$transaction(async (tx) => {
    const order = await tx.order.findUnique({ where: { id: input.orderId }, select: { id: true, status: true, dueAt: true } });
    if (!order || order.status !== step.from || !order.dueAt || order.dueAt > now) return false;

    const { count } = await tx.order.updateMany({
      where: { id: order.id, status: step.from, dueAt: order.dueAt },
      data: { status: step.to, ...step.apply(order.dueAt, deps.config.orderTimings) },
    });
    if (count === 0) return false;
    if (step.event) await enqueueEvent(tx, step.event, { orderId: order.id });
    return true;
  });
}

/** Due operation "advance-order-deliveries": ship, deliver and confirm whatever is due, in that order. */
export async function advanceOrderDeliveries(deps: Deps, options: { batchSize?: number } = {}) {
  let processed = 0;
  for (const stepName of Object.keys(STEPS) as DeliveryStep[]) {
    const due = await deps.db.order.findMany({
      where: { status: STEPS[stepName].from, dueAt: { lte: deps.clock.now() } },
      orderBy: { dueAt: "asc" },
      take: options.batchSize ?? 500,
      select: { id: true },
    });
    for (const order of due) {
      if (await advanceOrder(deps, { orderId: order.id, step: stepName })) processed += 1;
    }
  }
  return { processed };
}
