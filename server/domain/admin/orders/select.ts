import { orderTimelineSelect } from "~/server/domain/orders/select.ts";
import type { Prisma } from "~/server/generated/prisma/client.ts";

export const adminOrderRowSelect = {
  id: true,
  status: true,
  saleId: true,
  userId: true,
  totalAmount: true,
  createdAt: true,
  paidAt: true,
  items: { select: { productName: true }, orderBy: { id: "asc" } },
} satisfies Prisma.OrderSelect;

/** Order detail for the admin. The shipping snapshot stays encrypted and is not selected: no PII on this page. */
export const adminOrderDetailSelect = {
  id: true,
  status: true,
  saleId: true,
  userId: true,
  totalAmount: true,
  idempotencyKey: true,
  createdAt: true,
  paymentDueAt: true,
  ...orderTimelineSelect,
  stockReleasedAt: true,
  items: { select: { id: true, productId: true, productName: true, unitPrice: true, quantity: true, lineTotal: true }, orderBy: { id: "asc" } },
  payments: {
    select: { id: true, provider: true, status: true, amount: true, failureCode: true, failureMessage: true, approvedAt: true, refundedAt: true, createdAt: true },
    orderBy: { id: "asc" },
  },
} satisfies Prisma.OrderSelect;
