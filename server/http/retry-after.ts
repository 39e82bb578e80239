import type { TRPCError } from "@trpc/server";

import { isDomainError } from "~/server/domain/errors.ts";

/** A Retry-After header for a response whose errors include a rate limit (or another error that knows when to retry). */
export function retryAfterHeaders(errors: readonly TRPCError[]): Record<string, string> {
  let retryAfterS = 0;
  for (const error of errors) {
    if (isDomainError(error.cause) && error.cause.retryAfterS) retryAfterS = Math.max(retryAfterS, error.cause.retryAfterS);
  }
  return retryAfterS > 0 ? { "retry-after": String(retryAfterS) } : {};
}
