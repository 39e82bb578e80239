import type { RateLimitRule } from "~/server/rate-limit.ts";

/**
 * Brute-force limits for account endpoints (token buckets: `burst` at once, then one per `refillEvery`).
 * Each endpoint is limited per client IP and per account (blind index of the email, never the email itself): the IP
 * limit slows credential stuffing across many accounts, the email limit slows guessing one account from many IPs.
 */
export const accountRateLimits = {
  /** Any login attempt. Generous because offices and mobile carriers share addresses. */
  loginIp: { name: "login-ip", burst: 30, refillEvery: "10 s" },
  /** Login attempts per account; a successful login refills it, so it effectively counts consecutive failures. */
  loginEmail: { name: "login-email", burst: 5, refillEvery: "3 m" },
  signUpIp: { name: "signup-ip", burst: 10, refillEvery: "3 m" },
  signUpEmail: { name: "signup-email", burst: 3, refillEvery: "10 m" },
  /** Code guesses. Each code also dies after 5 wrong attempts (EmailVerification.attempts). */
  verifyIp: { name: "verify-ip", burst: 30, refillEvery: "10 s" },
  verifyEmail: { name: "verify-email", burst: 10, refillEvery: "1 m" },
  /** On top of the 60-second cooldown between two codes for one account. */
  resendIp: { name: "resend-ip", burst: 10, refillEvery: "3 m" },
  resendEmail: { name: "resend-email", burst: 5, refillEvery: "10 m" },
  /** Current-password checks by a signed-in session (someone holding a stolen session guessing the password). */
  changePasswordUser: { name: "change-password-user", burst: 5, refillEvery: "10 m" },
} as const satisfies Record<string, RateLimitRule>;
