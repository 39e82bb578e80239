import { adminProcedure, createTRPCRouter } from "~/server/api/trpc.ts";
import { revokeUserSessions, revokeUserSessionsInput } from "~/server/domain/accounts/revoke-user-sessions.ts";
import { adminUserIdInput, getAdminUser, revealUserPersonalData, revealUserPersonalDataInput } from "~/server/domain/admin/users/get-admin-user.ts";
import { listAdminUsers, listAdminUsersInput } from "~/server/domain/admin/users/list-admin-users.ts";

/**
 * Member administration: ADMIN only (401 anonymous, 403 USER). The list and detail carry no personal data;
 * revealPersonalData decrypts it and records the view in the audit log (a mutation, so it passes the CSRF check
 * and is never fired by a prefetch or a background refetch).
 */
export const adminUserRouter = createTRPCRouter({
  list: adminProcedure.input(listAdminUsersInput).query(({ ctx, input }) => listAdminUsers(ctx.deps, input)),
  get: adminProcedure.input(adminUserIdInput).query(({ ctx, input }) => getAdminUser(ctx.deps, input)),
  revealPersonalData: adminProcedure
    .input(revealUserPersonalDataInput)
    .mutation(({ ctx, input }) => revealUserPersonalData(ctx.deps, { ...input, actorId: ctx.session.id })),
  /** Force-logout of a compromised account: bumps its session version like "log out everywhere". */
  revokeSessions: adminProcedure.input(revokeUserSessionsInput).mutation(({ ctx, input }) => revokeUserSessions(ctx.deps, input)),
});
