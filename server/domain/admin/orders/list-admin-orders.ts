import { z } from "zod";

import { emailBlindIndex } from "~/server/crypto/pii.ts";
import type { DepsOf } from "~/server/deps.ts";
import { adminOrderRowSelect } from "~/server/domain/admin/orders/select.ts";
import { idField } from "~/server/domain/input-rules.ts";
import type { Prisma } from "~/server/generated/prisma/client.ts";
import { OrderStatus } from "~/server/generated/prisma/enums.ts";

export const ADMIN_ORDER_PAGE_SIZE = 20;

export const listAdminOrdersInput = z
  .object({
    page: z.number().int().min(1).max(10_000).default(1),
    status: z.enum(OrderStatus).optional(),
    saleId: idField().optional(),
    /** Placed at or after this instant (the page converts a Korean calendar day into it). */
    from: z.date().optional(),
    /** Placed before this instant. */
    to: z.date().optional(),
    /** The buyer's exact email, matched through the blind index: no decryption, no scan. */
    email: z.email("이메일 형식이 올바르지 않습니다.").max(191).optional(),
    userId: z.string().trim().min(1).max(32).optional(),
  })
  .refine((input) => !input.from || !input.to || input.from < input.to, { path: ["to"], message: "종료일은 시작일 이후여야 합니다." });
export type ListAdminOrdersInput = z.input<typeof listAdminOrdersInput>;

/** Every buyer's orders for the admin, newest first, filtered by status, sale, date range and buyer. */
export async function listAdminOrders(deps: DepsOf<"db" | "config">, input: z.output<typeof listAdminOrdersInput>) {
  let userIdFromEmail: string | undefined;
  if (input.email) {
    const user = await deps.db.user.findUnique({ where: { emailIndex: emailBlindIndex(input.email, deps.config.pii) }, select: { id: true } });
    if (!user) return { items: [], total: 0, page: input.page, pageCount: 1 };
    userIdFromEmail = user.id;
  }
  if (userIdFromEmail && input.userId && userIdFromEmail !== input.userId) return { items: [], total: 0, page: input.page, pageCount: 1 };

  const userId = userIdFromEmail ?? input.userId;
  const where: Prisma.OrderWhereInput = {
    ...(input.status ? { status: input.status } : {}),
    ...(input.saleId ? { saleId: input.saleId } : {}),
    ...(userId ? { userId } : {}),
    ...(input.from || input.to ? { createdAt: { ...(input.from ? { gte: input.from } : {}), ...(input.to ? { lt: input.to } : {}) } } : {}),
  };
  const [items, total] = await Promise.all([
    deps.db.order.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (input.page - 1) * ADMIN_ORDER_PAGE_SIZE,
      take: ADMIN_ORDER_PAGE_SIZE,
      select: adminOrderRowSelect,
    }),
    deps.db.order.count({ where }),
  ]);
  return {
    items: items.map(({ items: lines, ...order }) => ({ ...order, title: lines[0]?.productName ?? "", lineCount: lines.length })),
    total,
    page: input.page,
    pageCount: Math.max(1, Math.ceil(total / ADMIN_ORDER_PAGE_SIZE)),
  };
}
