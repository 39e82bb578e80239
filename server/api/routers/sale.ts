import { z } from "zod";

import { createTRPCRouter, protectedProcedure, publicProcedure } from "~/server/api/trpc.ts";
import { idField } from "~/server/domain/input-rules.ts";
import { getMySaleState, getSale, getSaleLiveStatus, listVisibleSales, subscribeToSale, unsubscribeFromSale } from "~/server/domain/sales/get-sale.ts";
import { saleIdInput } from "~/server/domain/sales/manage-sales.ts";
import { issuePurchaseTokenForSession } from "~/server/domain/sales/purchase-token.ts";
import { getQueueStatusWithToken, joinQueueWithToken, queueJoinInput, queueStatusInput, reserveWithToken } from "~/server/domain/sales/reserve-with-token.ts";
import { reserveUnitInput } from "~/server/domain/sales/reserve-unit.ts";
import { getSaleReadiness, saleReadinessInput, updateSaleReadiness, updateSaleReadinessInput } from "~/server/domain/sales/sale-readiness.ts";

const saleOnlyInput = z.object({ saleId: idField() });

export const saleRouter = createTRPCRouter({
  list: publicProcedure.query(({ ctx }) => listVisibleSales(ctx.deps)),
  get: publicProcedure.input(saleIdInput).query(({ ctx, input }) => getSale(ctx.deps, input)),
  /** Polled by sale pages: cached per instance, so viewers cost almost nothing. */
  status: publicProcedure.meta({ fastPath: true, ignoresSession: true }).input(saleIdInput).query(({ ctx, input }) => getSaleLiveStatus(ctx.deps, input)),
  /** Polled by every signed-in viewer of a sale page (their hold, purchases, subscription). */
  myState: protectedProcedure.meta({ fastPath: true }).input(saleOnlyInput).query(({ ctx, input }) => getMySaleState(ctx.deps, { userId: ctx.session.id, saleId: input.saleId })),
  purchaseToken: protectedProcedure.input(saleOnlyInput).mutation(({ ctx, input }) => issuePurchaseTokenForSession(ctx.deps, ctx.session, input.saleId, ctx.deps.clock.now().getTime())),
  /** The hot path: authenticated by the purchase token, decided by one Redis script. */
  reserve: publicProcedure.meta({ fastPath: true, ignoresSession: true }).input(reserveUnitInput).mutation(({ ctx, input }) => reserveWithToken(ctx.deps, input, { ip: ctx.ip })),
  /** Takes (or returns) the caller's one place in the waiting room: purchase token like reserve, one Redis script. */
  queueJoin: publicProcedure.meta({ fastPath: true, ignoresSession: true }).input(queueJoinInput).mutation(({ ctx, input }) => joinQueueWithToken(ctx.deps, input)),
  /** Polled by everyone waiting: identified by the purchase token (no session needed), cheap by design. */
  queueStatus: publicProcedure.meta({ fastPath: true, ignoresSession: true }).input(queueStatusInput).query(({ ctx, input }) => getQueueStatusWithToken(ctx.deps, input)),
  subscribe: protectedProcedure.input(saleOnlyInput).mutation(({ ctx, input }) => subscribeToSale(ctx.deps, { userId: ctx.session.id, saleId: input.saleId })),
  unsubscribe: protectedProcedure.input(saleOnlyInput).mutation(({ ctx, input }) => unsubscribeFromSale(ctx.deps, { userId: ctx.session.id, saleId: input.saleId })),
  /** Ready before the drop: the address a win ships to, picked ahead of the open time (the pay page preselects it). */
  readiness: createTRPCRouter({
    get: protectedProcedure.input(saleReadinessInput).query(({ ctx, input }) => getSaleReadiness(ctx.deps, { userId: ctx.session.id, saleId: input.saleId })),
    update: protectedProcedure.input(updateSaleReadinessInput).mutation(({ ctx, input }) => updateSaleReadiness(ctx.deps, { ...input, userId: ctx.session.id })),
  }),
});
