import { Resend } from "resend";

import type { Db } from "~/server/db.ts";
import type { RenderedEmail } from "~/server/emails/layout.ts";
import { env } from "~/server/env.js";
import { logger } from "~/server/logger.ts";

export type EmailSender = (
  deps: { db: Db },
  /** isSensitive: the body carries a secret (a verification code or link) that must not be kept once Resend has it. */
  message: RenderedEmail & { to: string; isSensitive?: boolean },
) => Promise<{ id: number }>;

const REDACTED = "[보관하지 않음: 인증 정보가 포함된 메일]";

/**
 * Every message is recorded in EmailMessage first. With RESEND_API_KEY it is then handed to Resend; without it the
 * table is the delivery, and /dev/mailbox shows it (how people and e2e tests read verification codes locally).
 */
export function createEmailSender(options: { resendApiKey?: string; resendBaseUrl?: string; from: string }): EmailSender {
  const resend = options.resendApiKey ? new Resend(options.resendApiKey, options.resendBaseUrl ? { baseUrl: options.resendBaseUrl } : undefined) : null;

  return async ({ db }, message) => {
    // With Resend the table is only a log, so secrets are not copied into it; without Resend it is the delivery.
    const isRedacted = Boolean(resend && message.isSensitive);
    const row = await db.emailMessage.create({
      data: {
        toAddress: message.to,
        subject: isRedacted ? `[FlashMart] ${message.template}` : message.subject,
        html: isRedacted ? REDACTED : message.html,
        text: isRedacted ? REDACTED : message.text,
        template: message.template,
      },
      select: { id: true },
    });
    if (!resend) return row;

    // Resend reports failures in its result instead of throwing; an unsent message must surface as an error.
    const { data, error } = await resend.emails.send({ from: options.from, to: message.to, subject: message.subject, html: message.html, text: message.text, headers: message.headers });
    if (error || !data) {
      logger.error({ emailMessageId: row.id, template: message.template, providerError: error?.name }, "email delivery failed");
      throw new Error(`Email delivery failed: ${error?.name ?? "unknown"}`);
    }
    await db.emailMessage.update({ where: { id: row.id }, data: { providerId: data.id, sentAt: new Date() } });
    return row;
  };
}

export const sendEmail: EmailSender = createEmailSender({ resendApiKey: env.RESEND_API_KEY, resendBaseUrl: env.RESEND_BASE_URL, from: env.EMAIL_FROM });
