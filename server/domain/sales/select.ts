import type { Prisma } from "~/server/generated/prisma/client.ts";

/** The rules a sale is enforced by (what Redis mirrors in the sale's meta hash). */
export const saleRulesSelect = {
  id: true,
  quantity: true,
  soldCount: true,
  opensAt: true,
  closesAt: true,
  perUserLimit: true,
  holdMinutes: true,
  state: true,
  waitingRoomEnabled: true,
  fairnessMode: true,
  admissionMode: true,
  admissionRatePerMinute: true,
  overbookingPercent: true,
  queueOpensMinutesBefore: true,
  stockBuckets: true,
} satisfies Prisma.SaleSelect;

export const saleSelect = {
  ...saleRulesSelect,
  salePrice: true,
  product: { select: { id: true, name: true, price: true, imageUrl: true, description: true, category: { select: { name: true } } } },
} satisfies Prisma.SaleSelect;
