
import type { DepsOf } from "~/server/deps.ts";
import { countOutboxBacklog } from "~/server/domain/outbox/relay-outbox.ts";
import { checkHealth } from "~/server/domain/system/check-health.ts";
import { recentErrors } from "~/server/logger.ts";

type Deps = DepsOf<"db" | "redis" | "clock" | "payments" | "config">;

async function readOutbox(deps: Deps) {
  try {
    const [backlog, oldest] = await Promise.all([
      countOutboxBacklog(deps),
      deps.db.outboxEvent.findFirst({ where: { processedAt: null, deadAt: null }, orderBy: { createdAt: "asc" }, select: { createdAt: true, attempts: true } }),
    ]);
    return {
      isKnown: true as const,
      backlog: backlog.pending,
      deadLetters: backlog.dead,
      oldestCreatedAt: oldest?.createdAt ?? null,
      oldestAttempts: oldest?.attempts ?? 0,
    };
  } catch {
    // MySQL down: the health probe above already says so; the page still renders the rest.
    return { isKnown: false as const, backlog: null, deadLetters: null, oldestCreatedAt: null, oldestAttempts: 0 };
  }
}

/**
 * The system page: dependencies with latency, how time-driven work runs, the outbox backlog and its dead letters,
 * the payment provider's circuit breaker (this process's), and this process's recent errors. Each part degrades on its own, so the page
 * works best exactly when something is broken.
 */
export async function getSystemStatus(deps: Deps) {
  const [health, outbox] = await Promise.all([checkHealth(deps), readOutbox(deps)]);
  const gateway = deps.payments;
  return {
    checkedAt: deps.clock.now(),
    ...health,
    dueWork: deps.config.dueWork,
    outbox,
    payments: { provider: gateway.name, circuit: gateway.circuitStatus() },
    recentErrors: recentErrors(),
  };
}

/** The dashboard's front page: what is live, what needs attention. */
export async function getAdminOverview(deps: DepsOf<"db" | "clock">) {
  const now = deps.clock.now();
  const startOfSeoulDay = new Date(Math.floor((now.getTime() + 9 * 3600_000) / 86_400_000) * 86_400_000 - 9 * 3600_000);
  const [salesByState, ordersToday, pendingPayment, users, upcoming, outbox] = await Promise.all([
    deps.db.sale.groupBy({ by: ["state"], _count: { _all: true } }),
    deps.db.order.count({ where: { createdAt: { gte: startOfSeoulDay } } }),
    deps.db.order.count({ where: { status: "PENDING_PAYMENT" } }),
    deps.db.user.count(),
    deps.db.sale.findMany({
      where: { state: { in: ["SCHEDULED", "OPEN", "PAUSED", "SOLD_OUT"] } },
      orderBy: [{ opensAt: "asc" }, { id: "asc" }],
      take: 5,
      select: { id: true, state: true, opensAt: true, quantity: true, product: { select: { name: true } } },
    }),
    countOutboxBacklog(deps),
  ]);
  const saleCounts = Object.fromEntries(salesByState.map((group) => [group.state, group._count._all])) as Partial<Record<string, number>>;
  return {
    liveSales: (saleCounts.OPEN ?? 0) + (saleCounts.PAUSED ?? 0) + (saleCounts.SOLD_OUT ?? 0),
    scheduledSales: saleCounts.SCHEDULED ?? 0,
    ordersToday,
    pendingPayment,
    users,
    upcoming,
    deadLetters: outbox.dead,
  };
}
