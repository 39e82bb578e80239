import type { Prisma } from "~/server/generated/prisma/client.ts";

export const saleSelect = {
  id: true,
  salePrice: true,
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
  product: { select: { id: true, name: true, price: true, imageUrl: true, description: true, category: { select: { name: true } } } },
} satisfies Prisma.SaleSelect;
