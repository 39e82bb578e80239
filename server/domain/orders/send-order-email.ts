import { decryptPii } from "~/server/crypto/pii.ts";
import type { DepsOf } from "~/server/deps.ts";
import type { OrderEmailKind } from "~/server/domain/orders/order-events.ts";
import { returnWindowEndsAt } from "~/server/domain/orders/order-timing.ts";
import {
  orderCancelledEmail,
  orderDeliveredEmail,
  orderPaidEmail,
  orderPlacedEmail,
  orderShippedEmail,
  returnCompletedEmail,
} from "~/server/emails/templates.ts";

type Deps = DepsOf<"db" | "sendEmail" | "config">;

/**
 * Sends the buyer the mail for one lifecycle event. Called by the outbox consumer (local handler or Inngest
 * function), so it runs only for changes that committed. The address is decrypted here, at the last moment.
 */
export async function sendOrderEmail(deps: Deps, input: { orderId: string; kind: OrderEmailKind }) {
  const order = await deps.db.order.findUnique({
    where: { id: input.orderId },
    select: {
      id: true,
      status: true,
      totalAmount: true,
      paymentDueAt: true,
      deliveredAt: true,
      items: { select: { productName: true }, orderBy: { id: "asc" } },
      user: { select: { emailEnc: true, nameEnc: true } },
      payments: { where: { status: { in: ["APPROVED", "REFUNDED"] }, failureCode: null }, select: { amount: true } },
    },
  });
  if (!order) return { sent: false };
  // "Please pay" is noise once the order was paid, cancelled or expired before the mail went out.
  if (input.kind === "placed" && order.status !== "PENDING_PAYMENT") return { sent: false };

  const [first, ...others] = order.items;
  const base = {
    name: decryptPii(order.user.nameEnc, deps.config.pii),
    orderId: order.id,
    itemsSummary: others.length > 0 ? `${first?.productName} 외 ${others.length}건` : (first?.productName ?? ""),
    totalAmount: order.totalAmount,
    orderUrl: `${deps.config.appUrl}/account/orders/${order.id}`,
  };
  const refundAmount = order.payments[0]?.amount ?? null;

  const message = (() => {
    switch (input.kind) {
      case "placed":
        return orderPlacedEmail({ ...base, paymentDueAt: order.paymentDueAt, payUrl: `${deps.config.appUrl}/orders/${order.id}/pay` });
      case "paid":
        return orderPaidEmail(base);
      case "shipped":
        return orderShippedEmail(base);
      case "delivered":
        return orderDeliveredEmail({ ...base, returnDeadline: order.deliveredAt ? returnWindowEndsAt(order.deliveredAt, deps.config.orderTimings.returnWindowDays) : null });
      case "cancelled":
        return orderCancelledEmail({ ...base, refundAmount });
      case "returned":
        return returnCompletedEmail({ ...base, refundAmount });
    }
  })();

  await deps.sendEmail({ db: deps.db }, { ...message, to: decryptPii(order.user.emailEnc, deps.config.pii) });
  return { sent: true };
}
