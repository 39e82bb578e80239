import { inngest } from "~/inngest/client.ts";
import { paymentRefundRequested } from "~/inngest/events.ts";
import { appDeps } from "~/server/app.ts";
import { refundPayment } from "~/server/domain/payments/refund-payment.ts";

/**
 * Gives an approved payment back through the provider. A provider outage makes the step throw and Inngest retries
 * it with backoff; refundPayment is idempotent, so a retry after a lost answer never refunds twice.
 */
export const refundPaymentFunction = inngest.createFunction(
  { id: "refund-payment", triggers: [paymentRefundRequested], retries: 10 },
  async ({ event, step }) => step.run("refund through the provider", () => refundPayment(appDeps(), { paymentId: event.data.paymentId })),
);
