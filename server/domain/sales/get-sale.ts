
import type { DepsOf } from "~/server/deps.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { readSaleStatus, type SaleLiveStatus } from "~/server/domain/sales/sale-state.ts";
import { saleSelect } from "~/server/domain/sales/select.ts";

type Deps = DepsOf<"db" | "redis" | "clock" | "saleEngine">;

export type SalePhase = "UPCOMING" | "OPEN" | "PAUSED" | "SOLD_OUT" | "CLOSED";

/** What a buyer should see, from the stored state, the clock and the live counters. */
export function salePhase(sale: { state: string; opensAt: Date; closesAt: Date | null }, live: SaleLiveStatus, now: Date): SalePhase {
  if (live.isClosed || sale.state === "CLOSED" || (sale.closesAt && sale.closesAt <= now)) return "CLOSED";
  if (live.isPaused) return "PAUSED";
  if (sale.opensAt > now) return "UPCOMING";
  if (live.available === 0) return "SOLD_OUT";
  return "OPEN";
}

export async function getSale(deps: Deps, input: { id: number }) {
  const sale = await deps.db.sale.findUnique({ where: { id: input.id }, select: saleSelect });
  if (!sale) throw new DomainError("NOT_FOUND", "세일을 찾을 수 없습니다.");
  const live = await getCachedSaleStatus(deps, input.id);
  const now = deps.clock.now();
  return { ...sale, live, phase: salePhase(sale, live, now), serverNow: now };
}

/** Sales to show on the storefront: open ones first, then the next upcoming ones. */
export async function listVisibleSales(deps: DepsOf<"db" | "clock">) {
  const now = deps.clock.now();
  const sales = await deps.db.sale.findMany({
    where: { state: { in: ["SCHEDULED", "OPEN", "SOLD_OUT", "PAUSED"] }, OR: [{ closesAt: null }, { closesAt: { gt: now } }] },
    orderBy: [{ opensAt: "asc" }, { id: "asc" }],
    take: 12,
    select: saleSelect,
  });
  return sales.map((sale) => ({ ...sale, hasOpened: sale.opensAt <= now }));
}

/** The live counters through the sale engine's status cache: viewers polling one sale share one Redis read. */
export function getCachedSaleStatus(deps: Deps, saleId: number): Promise<SaleLiveStatus> {
  return deps.saleEngine.caches.status.get(saleId, deps.clock.now().getTime(), () => readSaleStatus(deps, saleId));
}

/** The live numbers a sale page polls: cheap, cached, and carrying the server's clock for countdown correction. */
export async function getSaleLiveStatus(deps: Deps, input: { id: number }) {
  const [sale, live] = await Promise.all([getSaleTimes(deps, input.id), getCachedSaleStatus(deps, input.id)]);
  const now = deps.clock.now();
  return { ...live, phase: salePhase(sale, live, now), serverNow: now.getTime() };
}

export type SaleTimes = { state: string; opensAt: Date; closesAt: Date | null };

/** Open/close times and state, through the sale engine's times cache: status polls stay off MySQL. */
function getSaleTimes(deps: Deps, saleId: number): Promise<SaleTimes> {
  return deps.saleEngine.caches.times.get(saleId, deps.clock.now().getTime(), async () => {
    const sale = await deps.db.sale.findUnique({ where: { id: saleId }, select: { state: true, opensAt: true, closesAt: true } });
    if (!sale) throw new DomainError("NOT_FOUND", "세일을 찾을 수 없습니다.");
    return sale;
  });
}

/** The signed-in buyer's relation to a sale: a hold to pay, units bought, and the notify-me subscription. */
export async function getMySaleState(deps: DepsOf<"db" | "clock">, input: { userId: string; saleId: number }) {
  const now = deps.clock.now();
  const [orders, subscription, sale] = await Promise.all([
    deps.db.order.findMany({
      where: { userId: input.userId, saleId: input.saleId },
      orderBy: { createdAt: "desc" },
      select: { id: true, status: true, paymentDueAt: true },
      take: 20,
    }),
    deps.db.saleSubscription.findUnique({ where: { saleId_userId: { saleId: input.saleId, userId: input.userId } }, select: { id: true } }),
    deps.db.sale.findUnique({ where: { id: input.saleId }, select: { perUserLimit: true } }),
  ]);
  if (!sale) throw new DomainError("NOT_FOUND", "세일을 찾을 수 없습니다.");
  const activeHold = orders.find((order) => order.status === "PENDING_PAYMENT" && order.paymentDueAt > now) ?? null;
  const purchased = orders.filter((order) => ["PAID", "SHIPPING", "DELIVERED", "CONFIRMED", "RETURN_REQUESTED"].includes(order.status));
  const lastExpired = orders.find((order) => order.status === "EXPIRED" || (order.status === "PENDING_PAYMENT" && order.paymentDueAt <= now)) ?? null;
  return {
    activeHold: activeHold ? { orderId: activeHold.id, paymentDueAt: activeHold.paymentDueAt } : null,
    purchasedCount: purchased.length,
    purchasedOrderIds: purchased.map((order) => order.id),
    hasReachedLimit: purchased.length + (activeHold ? 1 : 0) >= sale.perUserLimit,
    lastExpiredOrderId: !activeHold && lastExpired ? lastExpired.id : null,
    isSubscribed: Boolean(subscription),
  };
}

export async function subscribeToSale(deps: DepsOf<"db">, input: { userId: string; saleId: number }) {
  const sale = await deps.db.sale.findUnique({ where: { id: input.saleId }, select: { id: true } });
  if (!sale) throw new DomainError("NOT_FOUND", "세일을 찾을 수 없습니다.");
  await deps.db.saleSubscription.upsert({
    where: { saleId_userId: { saleId: input.saleId, userId: input.userId } },
    create: { saleId: input.saleId, userId: input.userId },
    update: {},
  });
  return { isSubscribed: true };
}

export async function unsubscribeFromSale(deps: DepsOf<"db">, input: { userId: string; saleId: number }) {
  await deps.db.saleSubscription.deleteMany({ where: { saleId: input.saleId, userId: input.userId } });
  return { isSubscribed: false };
}
