import { adminProcedure, createTRPCRouter } from "~/server/api/trpc.ts";
import { listAuditLog, listAuditLogInput } from "~/server/domain/admin/audit-log.ts";
import { getAdminOverview, getSystemStatus } from "~/server/domain/admin/system/get-system-status.ts";

/** The dashboard's front page, system health and the audit log: ADMIN only. */
export const adminSystemRouter = createTRPCRouter({
  overview: adminProcedure.query(({ ctx }) => getAdminOverview(ctx.deps)),
  status: adminProcedure.query(({ ctx }) => getSystemStatus(ctx.deps)),
  auditLog: adminProcedure.input(listAuditLogInput).query(({ ctx, input }) => listAuditLog(ctx.deps, input)),
});
