import { createTRPCRouter, publicProcedure } from "~/server/api/trpc.ts";
import { checkHealth } from "~/server/domain/system/check-health.ts";

export const systemRouter = createTRPCRouter({
  /** Server time lets clients correct their clock offset (sale countdowns). */
  time: publicProcedure.query(({ ctx }) => ({ now: ctx.deps.clock.now().getTime() })),
  /** A procedure that does nothing: the framework's own cost in benchmarks. */
  noop: publicProcedure.mutation(() => ({ ok: true as const })),
  health: publicProcedure.query(({ ctx }) => checkHealth(ctx.deps)),
});
