import { createTRPCRouter, protectedProcedure, publicProcedure } from "~/server/api/trpc.ts";
import { cancelRestockAlert, getRestockAlertStatus, listRestockAlerts, subscribeToRestock } from "~/server/domain/restock/manage-restock-alerts.ts";
import { restockTargetInput } from "~/server/domain/restock/restock-target.ts";
import { unsubscribeRestockAlert, unsubscribeRestockAlertInput } from "~/server/domain/restock/unsubscribe-restock-alert.ts";

/** Restock alerts (재입고 알림): the page's "notify me" island, the account list and the mail's unsubscribe link. */
export const restockRouter = createTRPCRouter({
  /** Public so the island can ask from any (cached, anonymous) page; it only ever reads the caller's own alert. */
  status: publicProcedure
    .input(restockTargetInput)
    .query(({ ctx, input }) => getRestockAlertStatus(ctx.deps, { userId: ctx.session?.id ?? null, target: input })),
  list: protectedProcedure.query(({ ctx }) => listRestockAlerts(ctx.deps, { userId: ctx.session.id })),
  subscribe: protectedProcedure
    .input(restockTargetInput)
    .mutation(({ ctx, input }) => subscribeToRestock(ctx.deps, { userId: ctx.session.id, target: input })),
  cancel: protectedProcedure
    .input(restockTargetInput)
    .mutation(({ ctx, input }) => cancelRestockAlert(ctx.deps, { userId: ctx.session.id, target: input })),
  /** The mail's link: the signed token is the authorization, so it works signed out. */
  unsubscribe: publicProcedure.input(unsubscribeRestockAlertInput).mutation(({ ctx, input }) => unsubscribeRestockAlert(ctx.deps, input)),
});
