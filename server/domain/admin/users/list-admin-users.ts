import { z } from "zod";

import { emailBlindIndex } from "~/server/crypto/pii.ts";
import type { DepsOf } from "~/server/deps.ts";
import type { Prisma } from "~/server/generated/prisma/client.ts";

export const ADMIN_USER_PAGE_SIZE = 20;

export const listAdminUsersInput = z.object({
  page: z.number().int().min(1).max(10_000).default(1),
  role: z.enum(["USER", "ADMIN"]).optional(),
  /** An exact email, matched through the blind index: the list itself never decrypts anything. */
  email: z.email("이메일 형식이 올바르지 않습니다.").max(191).optional(),
});
export type ListAdminUsersInput = z.input<typeof listAdminUsersInput>;

/** Members for the admin, newest first: ids, roles and dates only. Personal data is on the audited detail page. */
export async function listAdminUsers(deps: DepsOf<"db" | "config">, input: z.output<typeof listAdminUsersInput>) {
  const where: Prisma.UserWhereInput = {
    ...(input.role ? { role: input.role } : {}),
    ...(input.email ? { emailIndex: emailBlindIndex(input.email, deps.config.pii) } : {}),
  };
  const [rows, total] = await Promise.all([
    deps.db.user.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (input.page - 1) * ADMIN_USER_PAGE_SIZE,
      take: ADMIN_USER_PAGE_SIZE,
      select: { id: true, role: true, emailVerifiedAt: true, createdAt: true, _count: { select: { orders: true } } },
    }),
    deps.db.user.count({ where }),
  ]);
  return {
    items: rows.map((row) => ({ id: row.id, role: row.role, isEmailVerified: row.emailVerifiedAt !== null, createdAt: row.createdAt, orderCount: row._count.orders })),
    total,
    page: input.page,
    pageCount: Math.max(1, Math.ceil(total / ADMIN_USER_PAGE_SIZE)),
  };
}
