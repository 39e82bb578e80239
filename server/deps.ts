import type { Redis } from "@upstash/redis";

import type { Clock } from "~/server/clock.ts";
import type { AppConfig } from "~/server/config.ts";
import type { Db } from "~/server/db.ts";
import type { InvalidatePublicPages } from "~/server/domain/public-pages.ts";
import type { SaleEngine } from "~/server/domain/sales/sale-engine.ts";
import type { EmailSender } from "~/server/email.ts";
import type { PaymentGateway } from "~/server/payments/types.ts";

/**
 * Everything the app's code depends on, built once by the composition root (server/app.ts) and handed down: routers
 * get it from the tRPC context, due work and Inngest functions from appDeps(), tests from createApp() with their own
 * parts. Domain functions declare the slice they use (`DepsOf<"db" | "clock">`), never a singleton.
 */
export type AppDeps = {
  db: Db;
  redis: Redis;
  /** The one clock: every domain timestamp and deadline comparison reads it. */
  clock: Clock;
  payments: PaymentGateway;
  sendEmail: EmailSender;
  /** Settings read from the environment once (server/config.ts); domain code reads these, never `env`. */
  config: AppConfig;
  /** The flash sale's Redis side (typed scripts, sale caches, sale rate limits), built on `redis` and `config`. */
  saleEngine: SaleEngine;
  /** Drops cached public pages by tag (server/domain/public-pages.ts) after a write that changes what they show. */
  invalidatePublicPages: InvalidatePublicPages;
};

export type DepsOf<Key extends keyof AppDeps> = Pick<AppDeps, Key>;
