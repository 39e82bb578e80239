import { env } from "~/server/env.js";

/**
 * /dev/mailbox shows every recorded email, verification codes included, so a real deployment never exposes it:
 * it is on outside production, and in a production build only by explicit opt-in (npm start on a laptop without
 * Resend, and the e2e server).
 */
export function isDevMailboxEnabled() {
  return env.NODE_ENV !== "production" || env.ENABLE_DEV_MAILBOX;
}
