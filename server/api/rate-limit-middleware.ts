import { createMiddleware, type Context } from "~/server/api/trpc.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { consumeRateLimit, type RateLimitRule } from "~/server/rate-limit.ts";

export const RATE_LIMITED_MESSAGE = "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.";

/**
 * A procedure middleware that takes one token from `rule`'s bucket for the identifier `identify` picks (client IP,
 * session user id, blind index of an email…). Place it after `.input()` so `input` is the parsed value. Returning null
 * skips the limit for that call. Blocked calls fail with RATE_LIMITED → TOO_MANY_REQUESTS, `data.retryAfterS` and a
 * Retry-After header.
 *
 *   publicProcedure.input(signUpInput)
 *     .use(rateLimit(accountRateLimits.signUpIp, ({ ctx }) => ctx.ip))
 *     .use(rateLimit(accountRateLimits.signUpEmail, ({ input }) => emailBlindIndex(input.email)))
 */
export function rateLimit<TInput = unknown>(rule: RateLimitRule, identify: (options: { ctx: Context; input: TInput }) => string | null) {
  return createMiddleware(async ({ ctx, input, next }) => {
    const identifier = identify({ ctx, input: input as TInput });
    if (identifier === null) return next();

    const result = await consumeRateLimit(ctx.deps.redis, rule, identifier);
    if (!result.success) {
      throw new DomainError("RATE_LIMITED", RATE_LIMITED_MESSAGE, { retryAfterS: result.retryAfterS, details: { limit: rule.name } });
    }
    return next();
  });
}
