import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import { orderSummarySelect } from "~/server/domain/orders/select.ts";
import { OrderStatus } from "~/server/generated/prisma/enums.ts";

export const ORDER_PAGE_SIZE = 10;

export const listOrdersInput = z.object({
  status: z.enum(OrderStatus).optional(),
  page: z.number().int().min(1).max(10_000).default(1),
});
export type ListOrdersInput = z.input<typeof listOrdersInput>;

/** The caller's orders, newest first (id breaks ties so pages never overlap), optionally one status only. */
export async function listOrders(deps: DepsOf<"db">, input: z.output<typeof listOrdersInput> & { userId: string }) {
  const where = { userId: input.userId, ...(input.status ? { status: input.status } : {}) };
  const [items, total] = await Promise.all([
    deps.db.order.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (input.page - 1) * ORDER_PAGE_SIZE,
      take: ORDER_PAGE_SIZE,
      select: orderSummarySelect,
    }),
    deps.db.order.count({ where }),
  ]);
  return { items, total, page: input.page, pageCount: Math.max(1, Math.ceil(total / ORDER_PAGE_SIZE)) };
}
