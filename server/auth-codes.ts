/**
 * The `code` of a rate-limited credentials sign-in carries the seconds to wait ("rate_limited:120"), because Auth.js's
 * own endpoints forward only `code` to the login page. Kept apart from server/auth.ts so pages can parse it without
 * importing the Auth.js configuration.
 */
export const RATE_LIMITED_CODE_PREFIX = "rate_limited:";

/** Seconds to wait, if a CredentialsSignin code says the attempt was rate-limited. */
export function retryAfterFromSignInCode(code: string | undefined | null) {
  if (!code?.startsWith(RATE_LIMITED_CODE_PREFIX)) return null;
  const seconds = Number(code.slice(RATE_LIMITED_CODE_PREFIX.length));
  return Number.isInteger(seconds) && seconds > 0 ? seconds : null;
}
