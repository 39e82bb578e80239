// Runs in every test worker before the test file is imported. It must set the environment before anything
// imports server/env.js (which reads process.env once), so it imports nothing from the app statically.
import { inject } from "vitest";

Object.assign(process.env, {
  NODE_ENV: "test",
  DATABASE_URL: inject("databaseUrl"),
  REDIS_KEY_PREFIX: inject("redisKeyPrefix"),
  PAYMENT_PROVIDER_URL: inject("paymentProviderUrl"),
});

// Loaded after the assignments above because .env files never override variables that are already set.
await import("~/server/load-env.ts");
