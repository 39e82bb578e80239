// The only reader of process.env. Every variable has a working local default except secrets, which
// scripts/ensure-env-local.mjs writes into .env.local on first run. A bad value stops the process with its name.
import { createEnv } from "@t3-oss/env-nextjs";
import { z } from "zod";

const booleanString = z
  .enum(["0", "1", "true", "false"])
  .optional()
  .transform((value) => value === "1" || value === "true");

const base64Key32 = z
  .string()
  .refine((value) => Buffer.from(value, "base64").length === 32, "must be 32 bytes, base64-encoded");

export const env = createEnv({
  server: {
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    HOST: z.string().default("0.0.0.0"),
    APP_URL: z.url().default("http://localhost:3000"),
    DATABASE_URL: z
      .string()
      .regex(/^(mysql|mariadb):\/\//, "must be a mysql:// URL")
      .default("mysql://root@127.0.0.1:3306/flashmart"),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, "must be a redis:// URL").default("redis://127.0.0.1:6379"),
    REDIS_KEY_PREFIX: z.string().regex(/^[\w:.-]*$/).default("fm:"),
    // Redis Cluster seeds, `host:port` comma-separated; when set the app talks to the cluster and REDIS_URL is unused.
    REDIS_CLUSTER_NODES: z
      .string()
      .regex(/^\s*[^\s,:]+:\d+\s*(,\s*[^\s,:]+:\d+\s*)*$/, "must be host:port[,host:port…]")
      .optional(),
    UPSTASH_REDIS_REST_URL: z.url().optional(),
    UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
    AUTH_SECRET: z.string().min(32, "must be at least 32 characters (run npm start once to generate it)"),
    /** Absolute session lifetime, counted from login; no activity extends it. */
    SESSION_MAX_AGE_S: z.coerce.number().int().positive().default(60 * 60 * 24 * 7),
    /** Idle lifetime: a session unused this long expires; every page visit renews it (up to SESSION_MAX_AGE_S). */
    SESSION_IDLE_TIMEOUT_S: z.coerce.number().int().min(60).default(60 * 60 * 24),
    PII_KEYS: z
      .string()
      .regex(/^[\w-]+:[A-Za-z0-9+/=]+(,[\w-]+:[A-Za-z0-9+/=]+)*$/, "must be keyId:base64key[,keyId:base64key…]"),
    PII_ACTIVE_KEY_ID: z.string().min(1),
    PII_BLIND_INDEX_KEY: base64Key32,
    RESEND_API_KEY: z.string().optional(),
    RESEND_BASE_URL: z.url().optional(),
    EMAIL_FROM: z.string().default("FlashMart <no-reply@flashmart.local>"),
    INNGEST_EVENT_KEY: z.string().optional(),
    INNGEST_SIGNING_KEY: z.string().optional(),
    INNGEST_DEV: z.string().optional(),
    INNGEST_BASE_URL: z.url().optional(),
    DUE_WORK_INTERVAL_MS: z.coerce.number().int().min(200).default(5000),
    DUE_WORK_RUNNER: z.enum(["auto", "off"]).default("auto"),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
    TRUST_PROXY: booleanString,
    /** Names this process in an `x-instance` response header (several instances behind nginx: npm run start:cluster). */
    INSTANCE_ID: z.string().regex(/^[\w.-]{1,64}$/).optional(),
    ENABLE_DEV_MAILBOX: booleanString,
    /** e2e only: mounts /__test/clock so tests can move the app's time. Never set it on a real deployment. */
    ENABLE_TEST_CLOCK: booleanString,
    /** Where the payment provider (Toss-style confirm API) lives; by default the local sandbox process. */
    PAYMENT_PROVIDER_URL: z.url().default("http://127.0.0.1:4010"),
    /** Port the local payment sandbox (server/payment-sandbox/server.ts) listens on. */
    PAYMENT_SANDBOX_PORT: z.coerce.number().int().min(1).max(65535).default(4010),
    /** Provider secret key, sent as Basic auth like Toss Payments; the sandbox accepts any test_sk_ key. */
    PAYMENT_SECRET_KEY: z.string().min(1).default("test_sk_flashmart_sandbox"),
    /** Per-attempt timeout of a provider call, in ms. */
    PAYMENT_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(3_000),
    /** How many minutes before a sale opens its notify-me subscribers get the reminder mail. */
    SALE_REMINDER_LEAD_MINUTES: z.coerce.number().int().min(0).max(24 * 60).default(10),
    /** How long an unpaid order holds its stock. */
    PAYMENT_WINDOW_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(10),
    /** Order lifecycle timings: PAID → SHIPPING → DELIVERED; returns; see README. */
    ORDER_SHIP_AFTER_HOURS: z.coerce.number().positive().default(24),
    ORDER_DELIVER_AFTER_HOURS: z.coerce.number().positive().default(24),
    ORDER_RETURN_WINDOW_DAYS: z.coerce.number().int().min(0).max(30).default(1),
    ORDER_RETURN_COMPLETE_AFTER_HOURS: z.coerce.number().positive().default(24),
    SALE_RESERVE_RATE_WINDOW_MS: z.coerce.number().int().min(100).default(10_000),
    /** Reserve attempts per user per window (a person clicking; generous for retries). */
    SALE_RESERVE_USER_LIMIT: z.coerce.number().int().min(1).default(20),
    /** Reserve attempts per IP per window: generous because offices and mobile carriers share addresses. */
    SALE_RESERVE_IP_LIMIT: z.coerce.number().int().min(1).default(600),
    /** Lifetime of the signed purchase token the sale page hands out (the hot path verifies it without I/O). */
    PURCHASE_TOKEN_TTL_S: z.coerce.number().int().min(10).max(3600).default(120),
    /** How long the server keeps a public page's HTML (home, product, sale, login, signup); 0 turns the cache off. */
    PUBLIC_PAGE_CACHE_MS: z.coerce.number().int().min(0).max(10_000).default(1_000),
    /** After that, how long the old copy may still be served while one background render replaces it. */
    PUBLIC_PAGE_CACHE_STALE_MS: z.coerce.number().int().min(0).max(10_000).default(1_000),
    /** Benchmark/test only: cached public pages carry x-origin-renders (renders of that page so far). */
    PUBLIC_PAGE_CACHE_STATS: booleanString,
    /** Where admin-uploaded product images are stored (served by app/uploads/[...path]); relative to the working directory. */
    UPLOAD_DIR: z.string().min(1).default("var/uploads"),
    /** Build output directory; the benchmark builds into its own so it never races an e2e build. */
    NEXT_DIST_DIR: z.string().regex(/^\.next[\w-]*$/).default(".next"),
  },
  client: {},
  runtimeEnv: {
    NODE_ENV: process.env.NODE_ENV,
    PORT: process.env.PORT,
    HOST: process.env.HOST,
    APP_URL: process.env.APP_URL,
    DATABASE_URL: process.env.DATABASE_URL,
    DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE,
    REDIS_URL: process.env.REDIS_URL,
    REDIS_KEY_PREFIX: process.env.REDIS_KEY_PREFIX,
    REDIS_CLUSTER_NODES: process.env.REDIS_CLUSTER_NODES,
    UPSTASH_REDIS_REST_URL: process.env.UPSTASH_REDIS_REST_URL,
    UPSTASH_REDIS_REST_TOKEN: process.env.UPSTASH_REDIS_REST_TOKEN,
    AUTH_SECRET: process.env.AUTH_SECRET,
    SESSION_MAX_AGE_S: process.env.SESSION_MAX_AGE_S,
    SESSION_IDLE_TIMEOUT_S: process.env.SESSION_IDLE_TIMEOUT_S,
    PII_KEYS: process.env.PII_KEYS,
    PII_ACTIVE_KEY_ID: process.env.PII_ACTIVE_KEY_ID,
    PII_BLIND_INDEX_KEY: process.env.PII_BLIND_INDEX_KEY,
    RESEND_API_KEY: process.env.RESEND_API_KEY,
    RESEND_BASE_URL: process.env.RESEND_BASE_URL,
    EMAIL_FROM: process.env.EMAIL_FROM,
    INNGEST_EVENT_KEY: process.env.INNGEST_EVENT_KEY,
    INNGEST_SIGNING_KEY: process.env.INNGEST_SIGNING_KEY,
    INNGEST_DEV: process.env.INNGEST_DEV,
    INNGEST_BASE_URL: process.env.INNGEST_BASE_URL,
    DUE_WORK_INTERVAL_MS: process.env.DUE_WORK_INTERVAL_MS,
    DUE_WORK_RUNNER: process.env.DUE_WORK_RUNNER,
    LOG_LEVEL: process.env.LOG_LEVEL,
    TRUST_PROXY: process.env.TRUST_PROXY,
    INSTANCE_ID: process.env.INSTANCE_ID,
    ENABLE_DEV_MAILBOX: process.env.ENABLE_DEV_MAILBOX,
    ENABLE_TEST_CLOCK: process.env.ENABLE_TEST_CLOCK,
    PAYMENT_PROVIDER_URL: process.env.PAYMENT_PROVIDER_URL,
    PAYMENT_SANDBOX_PORT: process.env.PAYMENT_SANDBOX_PORT,
    PAYMENT_SECRET_KEY: process.env.PAYMENT_SECRET_KEY,
    PAYMENT_TIMEOUT_MS: process.env.PAYMENT_TIMEOUT_MS,
    PAYMENT_WINDOW_MINUTES: process.env.PAYMENT_WINDOW_MINUTES,
    SALE_REMINDER_LEAD_MINUTES: process.env.SALE_REMINDER_LEAD_MINUTES,
    ORDER_SHIP_AFTER_HOURS: process.env.ORDER_SHIP_AFTER_HOURS,
    ORDER_DELIVER_AFTER_HOURS: process.env.ORDER_DELIVER_AFTER_HOURS,
    ORDER_RETURN_WINDOW_DAYS: process.env.ORDER_RETURN_WINDOW_DAYS,
    ORDER_RETURN_COMPLETE_AFTER_HOURS: process.env.ORDER_RETURN_COMPLETE_AFTER_HOURS,
    SALE_RESERVE_RATE_WINDOW_MS: process.env.SALE_RESERVE_RATE_WINDOW_MS,
    SALE_RESERVE_USER_LIMIT: process.env.SALE_RESERVE_USER_LIMIT,
    SALE_RESERVE_IP_LIMIT: process.env.SALE_RESERVE_IP_LIMIT,
    PURCHASE_TOKEN_TTL_S: process.env.PURCHASE_TOKEN_TTL_S,
    PUBLIC_PAGE_CACHE_MS: process.env.PUBLIC_PAGE_CACHE_MS,
    PUBLIC_PAGE_CACHE_STALE_MS: process.env.PUBLIC_PAGE_CACHE_STALE_MS,
    PUBLIC_PAGE_CACHE_STATS: process.env.PUBLIC_PAGE_CACHE_STATS,
    UPLOAD_DIR: process.env.UPLOAD_DIR,
    NEXT_DIST_DIR: process.env.NEXT_DIST_DIR,
  },
  emptyStringAsUndefined: true,
  // `next build` evaluates this module; secrets are only needed when the app really runs.
  skipValidation: process.env.SKIP_ENV_VALIDATION === "1",
  onValidationError: (issues) => {
    const lines = issues.map((issue) => `  - ${issue.path?.map(String).join(".") ?? "?"}: ${issue.message}`);
    console.error(`Invalid environment variables:\n${lines.join("\n")}`);
    throw new Error(`Invalid environment variables: ${issues.map((i) => i.path?.map(String).join(".")).join(", ")}`);
  },
});

/** Which driver runs due work and relays the outbox: Inngest when configured, the in-process runner otherwise. */
export function workflowMode() {
  if (env.INNGEST_EVENT_KEY && env.INNGEST_SIGNING_KEY) return "inngest-cloud";
  if (env.INNGEST_DEV) return "inngest-dev";
  return "in-process";
}
