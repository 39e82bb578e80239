// Runs in every test worker before the test file is imported. It must set the environment before anything
// imports server/env.js (which reads process.env once), so it imports nothing from the app statically.
import { inject } from "vitest";

// Each worker process gets its own database and key prefix (see global-setup.ts); VITEST_POOL_ID is 1-based.
const databaseUrls = inject("databaseUrls");
const workerIndex = (Number(process.env.VITEST_POOL_ID ?? 1) - 1) % databaseUrls.length;

Object.assign(process.env, {
  NODE_ENV: "test",
  DATABASE_URL: databaseUrls[workerIndex],
  REDIS_KEY_PREFIX: `${inject("redisKeyPrefix")}w${workerIndex + 1}:`,
  PAYMENT_PROVIDER_URL: inject("paymentProviderUrl"),
});

// Loaded after the assignments above because .env files never override variables that are already set.
await import("~/server/load-env.ts");
