// Shared by the Vitest global setup (main process) and tests (workers). Nothing here reads server/env.js, so
// setup-env.ts can import it before the environment is final.
import { randomBytes } from "node:crypto";

import { applyMigrations, connectMariaDb, databaseNameOf, ensureDatabase } from "~/scripts/migrate.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** mysql:// URLs of this run's migrated databases, one per worker: `flashmart_test_<runId>_w<n>`. */
    databaseUrls: string[];
    /** Redis key prefix for this run, `fmtest:<runId>:`; every key under it is deleted at teardown. */
    redisKeyPrefix: string;
    /** Base URL of the payment sandbox started by the global setup (server/payment-sandbox/server.ts). */
    paymentProviderUrl: string;
  }
}

/** `<pid>_<random>`: unique per run, even for parallel runs against one server. */
export function createTestRunId() {
  return `${process.pid}_${randomBytes(4).toString("hex")}`;
}

export function withDatabaseName(databaseUrl: string, databaseName: string) {
  const url = new URL(databaseUrl);
  url.pathname = `/${databaseName}`;
  return url.toString();
}

export async function dropDatabase(databaseUrl: string) {
  const name = databaseNameOf(databaseUrl);
  const connection = await connectMariaDb(databaseUrl, { withDatabase: false });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await connection.end();
  }
}

/** Creates and migrates `<databaseName>`, returning its URL. */
export async function createMigratedDatabase(serverUrl: string, databaseName: string) {
  const databaseUrl = withDatabaseName(serverUrl, databaseName);
  await ensureDatabase(databaseUrl);
  const { warnings } = await applyMigrations(databaseUrl, { log: () => {} });
  for (const warning of warnings) console.warn(`[test db] ${warning}`);
  return databaseUrl;
}

/**
 * A private, migrated database beside this run's shared one, for tests that need an empty database or
 * whole-table counts (the shared database has other test files writing to it concurrently).
 */
export async function createScratchDatabase(sharedDatabaseUrl: string, label: string) {
  if (!/^[a-z0-9]{1,16}$/.test(label)) throw new Error("Scratch database label must be 1–16 of [a-z0-9]");
  const databaseUrl = await createMigratedDatabase(sharedDatabaseUrl, `${databaseNameOf(sharedDatabaseUrl)}_${label}`);
  return { databaseUrl, drop: () => dropDatabase(databaseUrl) };
}
