import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { saleScheduled } from "~/server/domain/events.ts";
import { idField, MAX_PRICE_WON, MIN_PRICE_WON } from "~/server/domain/input-rules.ts";
import { enqueueEvent } from "~/server/domain/outbox/enqueue-event.ts";
import { saleChangedTags } from "~/server/domain/public-pages.ts";
import { resetSaleBuckets } from "~/server/domain/sales/bucketed-sale-state.ts";
import {
  BUCKETS_WITH_WAITING_ROOM_MESSAGE,
  CLOSES_BEFORE_OPENS_MESSAGE,
  OPENS_IN_PAST_MESSAGE,
  SALE_ADMISSION_MODES,
  SALE_FAIRNESS_MODES,
  SALE_LIMITS,
} from "~/server/domain/sales/sale-limits.ts";
import { refreshSaleMeta } from "~/server/domain/sales/sale-state.ts";
import { saleSelect } from "~/server/domain/sales/select.ts";

type Deps = DepsOf<"db" | "redis" | "clock" | "saleEngine" | "invalidatePublicPages">;

const bounded = (limit: { min: number; max: number }) => z.number().int().min(limit.min).max(limit.max);

const saleFields = {
  salePrice: bounded({ min: MIN_PRICE_WON, max: MAX_PRICE_WON }),
  quantity: bounded(SALE_LIMITS.quantity),
  opensAt: z.coerce.date(),
  closesAt: z.coerce.date().nullable().optional(),
  perUserLimit: bounded(SALE_LIMITS.perUserLimit).default(1),
  holdMinutes: bounded(SALE_LIMITS.holdMinutes).default(10),
  /** Redis Cluster slots the stock is split over (sale-buckets.ts); 1 = unsplit. */
  stockBuckets: bounded(SALE_LIMITS.stockBuckets).default(1),
};

const waitingRoomFields = {
  waitingRoomEnabled: z.boolean(),
  fairnessMode: z.enum(SALE_FAIRNESS_MODES),
  admissionMode: z.enum(SALE_ADMISSION_MODES),
  admissionRatePerMinute: bounded(SALE_LIMITS.admissionRatePerMinute),
  overbookingPercent: bounded(SALE_LIMITS.overbookingPercent),
  queueOpensMinutesBefore: bounded(SALE_LIMITS.queueOpensMinutesBefore),
};

export const createSaleInput = z
  .object({ productId: z.number().int().positive(), ...saleFields, ...z.object(waitingRoomFields).partial().shape })
  .refine((sale) => !sale.closesAt || sale.closesAt > sale.opensAt, { path: ["closesAt"], message: CLOSES_BEFORE_OPENS_MESSAGE })
  .refine((sale) => sale.stockBuckets === 1 || !sale.waitingRoomEnabled, { path: ["stockBuckets"], message: BUCKETS_WITH_WAITING_ROOM_MESSAGE });
export type CreateSaleInput = z.infer<typeof createSaleInput>;

export const updateSaleInput = z.object({
  id: z.number().int().positive(),
  data: z
    .object({
      salePrice: saleFields.salePrice,
      quantity: saleFields.quantity,
      opensAt: saleFields.opensAt,
      closesAt: saleFields.closesAt,
      perUserLimit: bounded(SALE_LIMITS.perUserLimit),
      holdMinutes: bounded(SALE_LIMITS.holdMinutes),
      stockBuckets: bounded(SALE_LIMITS.stockBuckets),
      ...waitingRoomFields,
    })
    .partial(),
});
export type UpdateSaleInput = z.infer<typeof updateSaleInput>;

export const saleIdInput = z.object({ id: idField() });

/** Schedules a sale. The open time must be in the future; units are a separate allotment, not the product's stock. */
export async function createSale(deps: Deps, input: CreateSaleInput) {
  const now = deps.clock.now();
  if (input.opensAt <= now) throw new DomainError("INVALID_STATE", OPENS_IN_PAST_MESSAGE);
  const product = await deps.db.product.findUnique({ where: { id: input.productId }, select: { status: true } });
  if (!product || product.status === "DISCONTINUED") throw new DomainError("NOT_FOUND", "상품을 찾을 수 없습니다.");

  const sale = await deps.db.$transaction(async (tx) => {
    const created = await tx.sale.create({
      data: {
        productId: input.productId,
        salePrice: input.salePrice,
        quantity: input.quantity,
        opensAt: input.opensAt,
        closesAt: input.closesAt ?? null,
        perUserLimit: input.perUserLimit,
        holdMinutes: input.holdMinutes,
        waitingRoomEnabled: input.waitingRoomEnabled,
        fairnessMode: input.fairnessMode,
        admissionMode: input.admissionMode,
        admissionRatePerMinute: input.admissionRatePerMinute,
        overbookingPercent: input.overbookingPercent,
        queueOpensMinutesBefore: input.queueOpensMinutesBefore,
        stockBuckets: input.stockBuckets,
      },
      select: saleSelect,
    });
    await enqueueEvent(tx, saleScheduled, { saleId: created.id, opensAt: created.opensAt.toISOString() });
    return created;
  });
  deps.invalidatePublicPages(saleChangedTags(sale.id));
  return sale;
}

/** Edits are allowed only while the sale is scheduled and not yet open: buyers must never see the rules change. */
export async function updateSale(deps: Deps, input: UpdateSaleInput) {
  const now = deps.clock.now();
  const current = await deps.db.sale.findUnique({ where: { id: input.id }, select: { state: true, opensAt: true, closesAt: true, quantity: true, stockBuckets: true, waitingRoomEnabled: true } });
  if (!current) throw new DomainError("NOT_FOUND", "세일을 찾을 수 없습니다.");
  if (current.state !== "SCHEDULED" || current.opensAt <= now) throw new DomainError("INVALID_STATE", "시작된 세일은 수정할 수 없습니다.");
  const opensAt = input.data.opensAt ?? current.opensAt;
  const closesAt = input.data.closesAt === undefined ? current.closesAt : input.data.closesAt;
  if (opensAt <= now) throw new DomainError("INVALID_STATE", OPENS_IN_PAST_MESSAGE);
  if (closesAt && closesAt <= opensAt) throw new DomainError("INVALID_STATE", CLOSES_BEFORE_OPENS_MESSAGE);
  const stockBuckets = input.data.stockBuckets ?? current.stockBuckets;
  if (stockBuckets > 1 && (input.data.waitingRoomEnabled ?? current.waitingRoomEnabled)) throw new DomainError("INVALID_INPUT", BUCKETS_WITH_WAITING_ROOM_MESSAGE);

  const sale = await deps.db.$transaction(async (tx) => {
    // The compare-and-set on state and open time refuses an edit that races the sale's opening.
    const { count } = await tx.sale.updateMany({ where: { id: input.id, state: "SCHEDULED", opensAt: { gt: now } }, data: { ...input.data, closesAt } });
    if (count === 0) throw new DomainError("INVALID_STATE", "시작된 세일은 수정할 수 없습니다.");
    if (input.data.opensAt) await enqueueEvent(tx, saleScheduled, { saleId: input.id, opensAt: opensAt.toISOString() });
    return tx.sale.findUniqueOrThrow({ where: { id: input.id }, select: saleSelect });
  });
  // A split sale's allotments depend on its quantity and K: before the open nothing is held, so split it afresh.
  const isResplit = (current.stockBuckets > 1 || stockBuckets > 1) && (stockBuckets !== current.stockBuckets || sale.quantity !== current.quantity);
  if (isResplit) await resetSaleBuckets(deps, { saleId: input.id, stockBucketCounts: [current.stockBuckets, stockBuckets] });
  if (stockBuckets !== current.stockBuckets) deps.saleEngine.caches.stockBuckets.forget(input.id);
  await refreshSaleMeta(deps, input.id);
  deps.invalidatePublicPages(saleChangedTags(input.id));
  return sale;
}

async function transitionSale(deps: Deps, id: number, from: Array<"SCHEDULED" | "OPEN" | "PAUSED" | "SOLD_OUT">, to: "SCHEDULED" | "OPEN" | "PAUSED" | "CLOSED", message: string) {
  const { count } = await deps.db.sale.updateMany({ where: { id, state: { in: from } }, data: { state: to } });
  if (count === 0) {
    const exists = await deps.db.sale.count({ where: { id } });
    if (!exists) throw new DomainError("NOT_FOUND", "세일을 찾을 수 없습니다.");
    throw new DomainError("INVALID_STATE", message);
  }
  // Redis enforces pause/close on the hot path; MySQL has already committed, so a failed refresh is retried by
  // reconciliation and a missing key is rebuilt from MySQL with the new state.
  await refreshSaleMeta(deps, id);
  deps.invalidatePublicPages(saleChangedTags(id));
  return deps.db.sale.findUniqueOrThrow({ where: { id }, select: saleSelect });
}

export function pauseSale(deps: Deps, input: { id: number }) {
  return transitionSale(deps, input.id, ["SCHEDULED", "OPEN", "SOLD_OUT"], "PAUSED", "진행 중이거나 예정된 세일만 일시 중지할 수 있습니다.");
}

/** Resuming before the open time puts the sale back to SCHEDULED; the open time itself still gates buying. */
export async function resumeSale(deps: Deps, input: { id: number }) {
  const sale = await deps.db.sale.findUnique({ where: { id: input.id }, select: { opensAt: true } });
  const to = sale && sale.opensAt > deps.clock.now() ? "SCHEDULED" : "OPEN";
  return transitionSale(deps, input.id, ["PAUSED"], to, "일시 중지된 세일만 재개할 수 있습니다.");
}

export function closeSale(deps: Deps, input: { id: number }) {
  return transitionSale(deps, input.id, ["SCHEDULED", "OPEN", "PAUSED", "SOLD_OUT"], "CLOSED", "이미 종료된 세일입니다.");
}

export function listSalesForAdmin(deps: DepsOf<"db">) {
  return deps.db.sale.findMany({ orderBy: [{ opensAt: "desc" }, { id: "desc" }], take: 100, select: saleSelect });
}
