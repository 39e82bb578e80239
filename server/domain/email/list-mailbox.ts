import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import type { Prisma } from "~/server/generated/prisma/client.ts";

export const mailboxRowSelect = {
  id: true,
  toAddress: true,
  subject: true,
  template: true,
  sentAt: true,
  createdAt: true,
} satisfies Prisma.EmailMessageSelect;

export const listMailboxInput = z.object({
  /** Exact recipient address (the column's collation makes it case-insensitive). */
  to: z.string().trim().min(1).max(191).optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export type ListMailboxInput = z.input<typeof listMailboxInput>;

/** The local outbox, newest first, for the development mailbox. Bodies are left out: the list never shows them. */
export async function listMailbox(deps: DepsOf<"db">, input: z.output<typeof listMailboxInput>) {
  return deps.db.emailMessage.findMany({
    where: input.to ? { toAddress: input.to } : undefined,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit,
    select: mailboxRowSelect,
  });
}
