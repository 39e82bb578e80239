import { orderStatusLabels } from "~/app/_i18n/orders.ts";
import type { OrderStatus } from "~/server/generated/prisma/enums.ts";

const TONES: Record<OrderStatus, string> = {
  PENDING_PAYMENT: "bg-amber-50 text-amber-800 ring-amber-200",
  PAID: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  SHIPPING: "bg-sky-50 text-sky-700 ring-sky-200",
  DELIVERED: "bg-indigo-50 text-indigo-700 ring-indigo-200",
  CONFIRMED: "bg-zinc-100 text-zinc-700 ring-zinc-200",
  EXPIRED: "bg-zinc-100 text-zinc-500 ring-zinc-200",
  CANCELLED: "bg-zinc-100 text-zinc-500 ring-zinc-200",
  RETURN_REQUESTED: "bg-orange-50 text-orange-700 ring-orange-200",
  RETURNED: "bg-zinc-100 text-zinc-600 ring-zinc-200",
};

export function OrderStatusBadge({ status }: { status: OrderStatus }) {
  return (
    <span data-testid="order-status" className={`rounded-md px-2 py-0.5 text-xs font-semibold ring-1 ${TONES[status]}`}>
      {orderStatusLabels[status]}
    </span>
  );
}
