import { createMiddleware, type Context } from "~/server/api/trpc.ts";
import { enforceRateLimit, rateLimitsOf, type RateLimitName } from "~/server/rate-limit.ts";

/**
 * A procedure middleware that applies the limit `name` of the app's rate-limit table (server/rate-limit.ts) to the
 * identifier `identify` picks (client IP, session user id, blind index of an email…). Place it after `.input()` so
 * `input` is the parsed value. Returning null skips the limit for that call. Blocked calls fail with the one
 * RATE_LIMITED error → TOO_MANY_REQUESTS, `data.retryAfterS` and a Retry-After header.
 *
 *   publicProcedure.input(signUpInput)
 *     .use(rateLimit("signUpIp", ({ ctx }) => ctx.ip))
 *     .use(rateLimit("signUpEmail", ({ ctx, input }) => emailBlindIndex(input.email, ctx.deps.config.pii)))
 */
export function rateLimit<TInput = unknown>(name: RateLimitName, identify: (options: { ctx: Context; input: TInput }) => string | null) {
  return createMiddleware(async ({ ctx, input, next }) => {
    const identifier = identify({ ctx, input: input as TInput });
    if (identifier === null) return next();

    await enforceRateLimit(ctx.deps.redis, rateLimitsOf(ctx.deps.config)[name], identifier);
    return next();
  });
}
