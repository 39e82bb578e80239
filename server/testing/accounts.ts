import type { Db } from "~/server/db.ts";

/** The code and one-click link token of the newest verification mail to `email` (the local outbox is the mailbox). */
export async function latestVerificationMail(db: Db, email: string) {
  const message = await db.emailMessage.findFirst({
    where: { toAddress: email, template: "verification-code" },
    orderBy: { id: "desc" },
    select: { id: true, text: true, subject: true },
  });
  if (!message) throw new Error(`no verification mail to ${email}`);
  const code = /인증번호: (\d{6})/.exec(message.text)?.[1];
  const token = /token=([A-Za-z0-9_-]+)/.exec(message.text)?.[1];
  if (!code || !token) throw new Error("verification mail without code or link");
  return { id: message.id, code, token };
}

/** A password that satisfies the policy, unique per call. */
export function validPassword() {
  return `Pw-${crypto.randomUUID().slice(0, 8)}1a!`;
}
