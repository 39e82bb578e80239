import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { mailboxRowSelect } from "~/server/domain/email/list-mailbox.ts";
import { idField } from "~/server/domain/input-rules.ts";
import type { Prisma } from "~/server/generated/prisma/client.ts";

export const getMailboxMessageInput = z.object({ id: idField() });
export type GetMailboxMessageInput = z.infer<typeof getMailboxMessageInput>;

const mailboxMessageSelect = {
  ...mailboxRowSelect,
  html: true,
  text: true,
  providerId: true,
} satisfies Prisma.EmailMessageSelect;

/** One recorded email with both bodies, for the development mailbox's detail view. */
export async function getMailboxMessage(deps: DepsOf<"db">, input: GetMailboxMessageInput) {
  const message = await deps.db.emailMessage.findUnique({ where: { id: input.id }, select: mailboxMessageSelect });
  if (!message) throw new DomainError("NOT_FOUND", "메일을 찾을 수 없습니다.");
  return message;
}
