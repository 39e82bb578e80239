/**
 * Drops and recreates the configured database, migrates, seeds, and clears this app's Redis keys.
 * Used by the e2e server so every Playwright run starts from the same demo data. Refuses without --yes.
 */
import "~/server/load-env.ts";

import mariadb from "mariadb";

import { env } from "~/server/env.js";
import { applyMigrations, ensureDatabase } from "~/scripts/migrate.ts";
import { redisClientConfigFromEnv } from "~/server/redis.ts";
import { connectRedisDirect, deleteKeysWithPrefix } from "~/server/testing/redis-prefix.ts";

if (!process.argv.includes("--yes")) {
  console.error(`This drops ${new URL(env.DATABASE_URL).pathname.slice(1)}. Re-run with --yes.`);
  process.exit(1);
}

const url = new URL(env.DATABASE_URL);
const databaseName = url.pathname.slice(1);
const connection = await mariadb.createConnection({
  host: url.hostname,
  port: Number(url.port || 3306),
  user: decodeURIComponent(url.username),
  password: decodeURIComponent(url.password),
});
await connection.query(`DROP DATABASE IF EXISTS \`${databaseName.replace(/`/g, "")}\``);
await connection.end();

await ensureDatabase(env.DATABASE_URL);
await applyMigrations(env.DATABASE_URL, { log: () => {} });

const redis = await connectRedisDirect(redisClientConfigFromEnv());
await deleteKeysWithPrefix(redis, env.REDIS_KEY_PREFIX);
redis.disconnect();

const { db } = await import("~/server/db.ts");
const { seedDemoData } = await import("~/prisma/seed.ts");
await seedDemoData(db, { now: new Date() });
await db.$disconnect();
console.log(`reset ${databaseName} and Redis prefix ${env.REDIS_KEY_PREFIX}`);
