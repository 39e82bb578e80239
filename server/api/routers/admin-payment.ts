import { adminProcedure, createTRPCRouter } from "~/server/api/trpc.ts";
import { listPaymentDiscrepancies, recheckPayment, recheckPaymentInput } from "~/server/domain/admin/payments/payment-discrepancies.ts";

/** Payment reconciliation for admins: open discrepancies and a "check now". The actor comes from the session. */
export const adminPaymentRouter = createTRPCRouter({
  discrepancies: adminProcedure.query(({ ctx }) => listPaymentDiscrepancies(ctx.deps)),
  recheck: adminProcedure.input(recheckPaymentInput).mutation(({ ctx, input }) => recheckPayment(ctx.deps, { ...input, actorId: ctx.session.id })),
});
