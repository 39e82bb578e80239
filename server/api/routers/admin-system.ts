import { adminProcedure, createTRPCRouter } from "~/server/api/trpc.ts";
import { listAuditLog, listAuditLogInput } from "~/server/domain/admin/audit-log.ts";
import { getAdminOverview, getSystemStatus } from "~/server/domain/admin/system/get-system-status.ts";
import { listDeadLetters, listDeadLettersInput, replayDeadLetter, replayDeadLetterInput } from "~/server/domain/outbox/dead-letters.ts";

/** The dashboard's front page, system health, outbox dead letters and the audit log: ADMIN only. The acting admin comes from the session. */
export const adminSystemRouter = createTRPCRouter({
  overview: adminProcedure.query(({ ctx }) => getAdminOverview(ctx.deps)),
  status: adminProcedure.query(({ ctx }) => getSystemStatus(ctx.deps)),
  auditLog: adminProcedure.input(listAuditLogInput).query(({ ctx, input }) => listAuditLog(ctx.deps, input)),
  deadLetters: adminProcedure.input(listDeadLettersInput).query(({ ctx, input }) => listDeadLetters(ctx.deps, input)),
  replayDeadLetter: adminProcedure.input(replayDeadLetterInput).mutation(({ ctx, input }) => replayDeadLetter(ctx.deps, { ...input, actorId: ctx.session.id })),
});
