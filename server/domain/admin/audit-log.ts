import { z } from "zod";

import type { Db } from "~/server/db.ts";
import type { DepsOf } from "~/server/deps.ts";
import type { Prisma } from "~/server/generated/prisma/client.ts";

/** Every audited action. Stored as VARCHAR(64) so new ones need no migration; the list is the vocabulary. */
export const AUDIT_ACTIONS = ["order.cancel", "user.pii.view", "outbox.replay", "payment.reconcile", "payment.flag"] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_TARGET_TYPES = ["ORDER", "USER", "OUTBOX_EVENT", "PAYMENT"] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

/** The actor of entries written by due work (payment reconciliation), not by a person. */
export const SYSTEM_ACTOR_ID = "system";

export type AuditEntry = {
  actorId: string;
  action: AuditAction;
  targetType: AuditTargetType;
  targetId: string;
  reason?: string | null;
  /** Ids, codes and outcomes only: the log itself must never become a copy of personal data. */
  metadata?: Prisma.InputJsonObject;
};

/** Appends one entry. Accepts a transaction so an audited change and its entry commit together. */
export function recordAudit(db: Db | Prisma.TransactionClient, entry: AuditEntry) {
  return db.auditLog.create({
    data: {
      actorId: entry.actorId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      reason: entry.reason ?? null,
      metadata: entry.metadata ?? undefined,
    },
    select: { id: true },
  });
}

export const auditEntrySelect = {
  id: true,
  actorId: true,
  action: true,
  targetType: true,
  targetId: true,
  reason: true,
  metadata: true,
  createdAt: true,
} satisfies Prisma.AuditLogSelect;

export const AUDIT_PAGE_SIZE = 30;

export const listAuditLogInput = z.object({
  page: z.number().int().min(1).max(10_000).default(1),
  action: z.enum(AUDIT_ACTIONS).optional(),
  targetType: z.enum(AUDIT_TARGET_TYPES).optional(),
  targetId: z.string().trim().min(1).max(64).optional(),
  actorId: z.string().trim().min(1).max(32).optional(),
});
export type ListAuditLogInput = z.input<typeof listAuditLogInput>;

/** Newest first; id breaks ties so pages never overlap. */
export async function listAuditLog(deps: DepsOf<"db">, input: z.output<typeof listAuditLogInput>) {
  const where: Prisma.AuditLogWhereInput = {
    ...(input.action ? { action: input.action } : {}),
    ...(input.targetType ? { targetType: input.targetType } : {}),
    ...(input.targetId ? { targetId: input.targetId } : {}),
    ...(input.actorId ? { actorId: input.actorId } : {}),
  };
  const [items, total] = await Promise.all([
    deps.db.auditLog.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (input.page - 1) * AUDIT_PAGE_SIZE,
      take: AUDIT_PAGE_SIZE,
      select: auditEntrySelect,
    }),
    deps.db.auditLog.count({ where }),
  ]);
  return { items, total, page: input.page, pageCount: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)) };
}
