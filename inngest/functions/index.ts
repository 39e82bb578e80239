import { expireUnpaidOrder } from "~/inngest/functions/expire-unpaid-order.ts";
import { openSaleAtTime } from "~/inngest/functions/open-sale-at-time.ts";
import { refundPaymentFunction } from "~/inngest/functions/refund-payment.ts";
import { restockFunction } from "~/inngest/functions/restock.ts";
import { runDueWork } from "~/inngest/functions/run-due-work.ts";
import { sendOrderEmailFunction } from "~/inngest/functions/send-order-email.ts";
import { warmUpSale } from "~/inngest/functions/warm-up-sale.ts";

export const functions = [runDueWork, openSaleAtTime, expireUnpaidOrder, sendOrderEmailFunction, refundPaymentFunction, warmUpSale, restockFunction];
