import type { Prisma } from "~/server/generated/prisma/client.ts";

/** What a transition needs to give units back: which products (or which sale) and how many. */
export const releasableOrderSelect = {
  id: true,
  userId: true,
  saleId: true,
  status: true,
  totalAmount: true,
  items: { select: { productId: true, quantity: true } },
} satisfies Prisma.OrderSelect;

export const orderLineSelect = {
  id: true,
  productId: true,
  productName: true,
  unitPrice: true,
  quantity: true,
  lineTotal: true,
  product: { select: { imageUrl: true } },
} satisfies Prisma.OrderItemSelect;

/** One row of "my orders". */
export const orderSummarySelect = {
  id: true,
  status: true,
  saleId: true,
  totalAmount: true,
  paymentDueAt: true,
  createdAt: true,
  items: { select: orderLineSelect, orderBy: { id: "asc" } },
} satisfies Prisma.OrderSelect;

/** The lifecycle timestamps (and cancel reason) an order's timeline shows, to the buyer and to the admin alike. */
export const orderTimelineSelect = {
  dueAt: true,
  paidAt: true,
  shippedAt: true,
  deliveredAt: true,
  confirmedAt: true,
  expiredAt: true,
  cancelledAt: true,
  cancelReason: true,
  returnRequestedAt: true,
  returnedAt: true,
} satisfies Prisma.OrderSelect;

/** Order detail: every timestamp for the timeline, the shipping snapshot (still encrypted) and the payment attempts. */
export const orderDetailSelect = {
  ...orderSummarySelect,
  ...orderTimelineSelect,
  recipientEnc: true,
  phoneEnc: true,
  postalCodeEnc: true,
  address1Enc: true,
  address2Enc: true,
  payments: {
    select: { id: true, status: true, amount: true, failureCode: true, failureMessage: true, approvedAt: true, refundedAt: true, createdAt: true },
    orderBy: { id: "asc" },
  },
} satisfies Prisma.OrderSelect;
