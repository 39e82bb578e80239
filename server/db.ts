import { PrismaMariaDb } from "@prisma/adapter-mariadb";

import { env } from "~/server/env.js";
import { PrismaClient } from "~/server/generated/prisma/client.ts";

export type PoolTimeouts = { connectTimeoutMs?: number; acquireTimeoutMs?: number };

/** The mariadb driver only parses mariadb:// URLs, so a mysql:// DATABASE_URL is taken apart here. */
export function mariaDbConfigFromUrl(databaseUrl: string, connectionLimit: number, timeouts: PoolTimeouts = {}) {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.replace(/^\//, ""),
    connectionLimit,
    // Fail fast when MariaDB is down so requests get a clear error instead of hanging.
    connectTimeout: timeouts.connectTimeoutMs ?? 2_000,
    acquireTimeout: timeouts.acquireTimeoutMs ?? 3_000,
  };
}

/** `timeouts` lets tests run a pool dry in well under a second. */
export function createPrismaClient(databaseUrl = env.DATABASE_URL, connectionLimit = env.DATABASE_POOL_SIZE, timeouts: PoolTimeouts = {}) {
  const adapter = new PrismaMariaDb(mariaDbConfigFromUrl(databaseUrl, connectionLimit, timeouts));
  return new PrismaClient({ adapter, omit: { user: { passwordHash: true } } });
}

export type Db = ReturnType<typeof createPrismaClient>;

// One client per process: the custom server and Next's bundles both import this module, and share it through globalThis.
const globalForDb = globalThis as unknown as { flashmartDb?: Db };

export const db: Db = globalForDb.flashmartDb ?? createPrismaClient();
globalForDb.flashmartDb = db;
