
import { emailBlindIndex } from "~/server/crypto/pii.ts";
import type { DepsOf } from "~/server/deps.ts";
import { verifyCredentials, type CredentialsInput, type VerifyCredentialsResult } from "~/server/domain/auth/verify-credentials.ts";
import { consumeRateLimit, rateLimitsOf, resetRateLimit } from "~/server/rate-limit.ts";

export type AuthenticatePasswordResult = VerifyCredentialsResult | { ok: false; reason: "RATE_LIMITED"; retryAfterS: number };

/**
 * A login attempt as Auth.js's authorize() runs it: rate limits first (per client IP, then per account), then the
 * credential check. Every attempt takes a token, so parallel guesses cannot outrun the limit; a successful login
 * refills the account's bucket, so it counts failures since the last success.
 */
export async function authenticatePassword(
  deps: DepsOf<"db" | "redis" | "config">,
  input: CredentialsInput & { ip: string },
): Promise<AuthenticatePasswordResult> {
  const accountId = emailBlindIndex(input.email, deps.config.pii);
  const limits = rateLimitsOf(deps.config);

  const byIp = await consumeRateLimit(deps.redis, limits.loginIp, input.ip);
  if (!byIp.success) return { ok: false, reason: "RATE_LIMITED", retryAfterS: byIp.retryAfterS };
  const byAccount = await consumeRateLimit(deps.redis, limits.loginEmail, accountId);
  if (!byAccount.success) return { ok: false, reason: "RATE_LIMITED", retryAfterS: byAccount.retryAfterS };

  const result = await verifyCredentials(deps, input);
  if (result.ok) await resetRateLimit(deps.redis, limits.loginEmail, accountId);
  return result;
}
