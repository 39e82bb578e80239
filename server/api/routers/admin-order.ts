import { adminProcedure, createTRPCRouter } from "~/server/api/trpc.ts";
import { cancelOrderAsAdmin, cancelOrderAsAdminInput } from "~/server/domain/admin/orders/cancel-order-as-admin.ts";
import { adminOrderIdInput, getAdminOrder } from "~/server/domain/admin/orders/get-admin-order.ts";
import { listAdminOrders, listAdminOrdersInput } from "~/server/domain/admin/orders/list-admin-orders.ts";

/** Every buyer's orders: ADMIN only. The acting admin always comes from the session, for the audit log. */
export const adminOrderRouter = createTRPCRouter({
  list: adminProcedure.input(listAdminOrdersInput).query(({ ctx, input }) => listAdminOrders(ctx.deps, input)),
  get: adminProcedure.input(adminOrderIdInput).query(({ ctx, input }) => getAdminOrder(ctx.deps, input)),
  cancel: adminProcedure.input(cancelOrderAsAdminInput).mutation(({ ctx, input }) => cancelOrderAsAdmin(ctx.deps, { ...input, actorId: ctx.session.id })),
});
