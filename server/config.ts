import { parsePiiKeyring, type PiiKeyring } from "~/server/crypto/pii.ts";
import { env, workflowMode } from "~/server/env.js";

const HOUR_MS = 3_600_000;

/**
 * The app's settings, read from the environment once by the composition root and handed to the domain as
 * `deps.config`. Domain code never reads `env`: a test or script passes its own config (or overrides a part of it)
 * through createApp({ config }).
 */
export type AppConfig = {
  /** Public origin used in links inside emails. */
  appUrl: string;
  /** Secret that keys purchase tokens and email verification codes (derived keys, never used raw). */
  authSecret: string;
  sessionMaxAgeS: number;
  purchaseTokenTtlS: number;
  orderTimings: {
    paymentWindowMs: number;
    shipAfterMs: number;
    deliverAfterMs: number;
    returnWindowDays: number;
    returnCompleteAfterMs: number;
  };
  saleReserveRateLimit: { windowMs: number; perUser: number; perIp: number };
  /** Minutes before a sale's open time that its notify-me subscribers are mailed (0: at the open time). */
  saleReminderLeadMinutes: number;
  dueWork: { intervalMs: number; runner: "auto" | "off" };
  /** The server's in-memory cache of public pages (server/http/public-page-cache.ts); ttlMs 0 turns it off. */
  publicPageCache: { ttlMs: number; staleMs: number; exposeStats: boolean };
  workflowMode: ReturnType<typeof workflowMode>;
  /** Keys for personal data at rest (server/crypto/pii.ts): AES keys by id, the active one, the blind-index key. */
  pii: PiiKeyring;
};

export function configFromEnv(): AppConfig {
  return {
    appUrl: env.APP_URL,
    authSecret: env.AUTH_SECRET,
    sessionMaxAgeS: env.SESSION_MAX_AGE_S,
    purchaseTokenTtlS: env.PURCHASE_TOKEN_TTL_S,
    orderTimings: {
      paymentWindowMs: env.PAYMENT_WINDOW_MINUTES * 60_000,
      shipAfterMs: env.ORDER_SHIP_AFTER_HOURS * HOUR_MS,
      deliverAfterMs: env.ORDER_DELIVER_AFTER_HOURS * HOUR_MS,
      returnWindowDays: env.ORDER_RETURN_WINDOW_DAYS,
      returnCompleteAfterMs: env.ORDER_RETURN_COMPLETE_AFTER_HOURS * HOUR_MS,
    },
    saleReserveRateLimit: {
      windowMs: env.SALE_RESERVE_RATE_WINDOW_MS,
      perUser: env.SALE_RESERVE_USER_LIMIT,
      perIp: env.SALE_RESERVE_IP_LIMIT,
    },
    saleReminderLeadMinutes: env.SALE_REMINDER_LEAD_MINUTES,
    dueWork: { intervalMs: env.DUE_WORK_INTERVAL_MS, runner: env.DUE_WORK_RUNNER },
    publicPageCache: { ttlMs: env.PUBLIC_PAGE_CACHE_MS, staleMs: env.PUBLIC_PAGE_CACHE_STALE_MS, exposeStats: env.PUBLIC_PAGE_CACHE_STATS },
    workflowMode: workflowMode(),
    pii: parsePiiKeyring(env.PII_KEYS, env.PII_ACTIVE_KEY_ID, env.PII_BLIND_INDEX_KEY),
  };
}
