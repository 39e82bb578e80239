import { appClock } from "~/server/app-clock.ts";
import { configFromEnv } from "~/server/config.ts";
import { db } from "~/server/db.ts";
import type { AppDeps } from "~/server/deps.ts";
import { createSaleEngine } from "~/server/domain/sales/sale-engine.ts";
import { sendEmail } from "~/server/email.ts";
import { env } from "~/server/env.js";
import { createPublicPageInvalidator } from "~/server/http/public-page-feed.ts";
import { createPaymentGateway } from "~/server/payments/gateway.ts";
import { redis } from "~/server/redis.ts";

/**
 * The composition root: the one place that assembles the app's dependencies. The clients themselves are process-wide
 * (one Prisma pool, one Redis connection, one payment gateway with its circuit breaker), so the Node server, Next's
 * bundles, due work and Inngest functions all share them; tests and scripts pass their own parts.
 */
export function createApp(parts: Partial<AppDeps> = {}): AppDeps {
  const appRedis = parts.redis ?? redis;
  const config = parts.config ?? configFromEnv();
  return {
    db: parts.db ?? db,
    redis: appRedis,
    clock: parts.clock ?? appClock,
    payments: parts.payments ?? createPaymentGateway({ baseUrl: env.PAYMENT_PROVIDER_URL, shareCircuitVia: appRedis }),
    sendEmail: parts.sendEmail ?? sendEmail,
    config,
    saleEngine: parts.saleEngine ?? createSaleEngine({ redis: appRedis, config }),
    invalidatePublicPages: parts.invalidatePublicPages ?? createPublicPageInvalidator(appRedis),
  };
}

// Next's bundles and the custom server import separate copies of this module; globalThis makes them one app.
const globalForApp = globalThis as unknown as { flashmartApp?: AppDeps };

/** The running app's dependencies, assembled on first use. */
export function appDeps(): AppDeps {
  globalForApp.flashmartApp ??= createApp();
  return globalForApp.flashmartApp;
}
