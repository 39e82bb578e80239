import { z } from "zod";

import { createTRPCRouter, protectedProcedure, publicProcedure } from "~/server/api/trpc.ts";
import { idField } from "~/server/domain/input-rules.ts";
import { getMySaleState, getSale, getSaleLiveStatus, listVisibleSales, subscribeToSale, unsubscribeFromSale } from "~/server/domain/sales/get-sale.ts";
import { saleIdInput } from "~/server/domain/sales/manage-sales.ts";
import { issuePurchaseTokenForSession } from "~/server/domain/sales/purchase-token.ts";
import { getQueueStatusWithToken, queueStatusInput, reserveBaselineWithToken, reserveWithToken } from "~/server/domain/sales/reserve-with-token.ts";
import { reserveUnitInput } from "~/server/domain/sales/reserve-unit.ts";
import { joinQueue } from "~/server/domain/sales/waiting-room.ts";

const saleOnlyInput = z.object({ saleId: idField() });

export const saleRouter = createTRPCRouter({
  list: publicProcedure.query(({ ctx }) => listVisibleSales(ctx.deps)),
  get: publicProcedure.input(saleIdInput).query(({ ctx, input }) => getSale(ctx.deps, input)),
  /** Polled by sale pages: cached per instance, so viewers cost almost nothing. */
  status: publicProcedure.input(saleIdInput).query(({ ctx, input }) => getSaleLiveStatus(ctx.deps, input)),
  myState: protectedProcedure.input(saleOnlyInput).query(({ ctx, input }) => getMySaleState(ctx.deps, { userId: ctx.session.id, saleId: input.saleId })),
  purchaseToken: protectedProcedure.input(saleOnlyInput).mutation(({ ctx, input }) => issuePurchaseTokenForSession(ctx.session, input.saleId, ctx.deps.clock.now().getTime())),
  /** The hot path: authenticated by the purchase token, decided by one Redis script. */
  reserve: publicProcedure.input(reserveUnitInput).mutation(({ ctx, input }) => reserveWithToken(ctx.deps, input, { ip: ctx.ip })),
  /** Benchmark-only comparison with the old service's approach; refuses unless ENABLE_BENCH_BASELINE is set. */
  reserveBaseline: publicProcedure.input(reserveUnitInput).mutation(({ ctx, input }) => reserveBaselineWithToken(ctx.deps, input)),
  /** Takes (or returns) the caller's one place in the sale's waiting room. */
  queueJoin: protectedProcedure.input(saleOnlyInput.extend({ rejoin: z.boolean().optional() })).mutation(({ ctx, input }) => joinQueue(ctx.deps, { userId: ctx.session.id, saleId: input.saleId, rejoin: input.rejoin })),
  /** Polled by everyone waiting: identified by the purchase token (no session decode), cheap by design. */
  queueStatus: publicProcedure.input(queueStatusInput).query(({ ctx, input }) => getQueueStatusWithToken(ctx.deps, input)),
  subscribe: protectedProcedure.input(saleOnlyInput).mutation(({ ctx, input }) => subscribeToSale(ctx.deps, { userId: ctx.session.id, saleId: input.saleId })),
  unsubscribe: protectedProcedure.input(saleOnlyInput).mutation(({ ctx, input }) => unsubscribeFromSale(ctx.deps, { userId: ctx.session.id, saleId: input.saleId })),
});
