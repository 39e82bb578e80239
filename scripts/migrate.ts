// Applies prisma/migrations/*/migration.sql without Prisma's schema engine (it cannot be downloaded offline).
// History goes into `_prisma_migrations` exactly as `prisma migrate deploy` writes it, so on a machine that has
// the engine, Prisma sees these migrations as its own.
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import mariadb, { type ConnectionConfig } from "mariadb";

export const MIGRATIONS_DIR = fileURLToPath(new URL("../prisma/migrations", import.meta.url));

// Prisma's own DDL for the history table (MySQL connector), so rows are interchangeable with ones Prisma wrote.
const MIGRATIONS_TABLE_DDL = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             DATETIME(3),
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          DATETIME(3),
    started_at              DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    applied_steps_count     INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;

// The advisory lock name Prisma Migrate takes on MySQL: our runs and Prisma's exclude each other.
const LOCK_NAME = "prisma_migrate";
const LOCK_TIMEOUT_S = 10;

const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "ECONNRESET",
  "ER_CONNECTION_TIMEOUT",
  "ER_SOCKET_UNEXPECTED_CLOSE",
]);

export class DatabaseUnreachableError extends Error {
  constructor(databaseUrl: string, options: { cause: unknown }) {
    const { hostname, port } = new URL(databaseUrl);
    super(
      `MariaDB is not reachable at ${hostname}:${port || 3306} — start it with: ` +
        "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd  (or: docker compose up -d mysql)",
      options,
    );
    this.name = "DatabaseUnreachableError";
  }
}

/** Only the database name part is ever interpolated into SQL, so it is held to a plain identifier. */
export function databaseNameOf(databaseUrl: string) {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ""));
  if (!/^\w{1,64}$/.test(name)) throw new Error(`Database name must be letters, digits or _ (got "${name}")`);
  return name;
}

/** The mariadb driver parses only mariadb:// URLs; DATABASE_URL is mysql://, so it is taken apart here. */
export function connectionConfigFromUrl(databaseUrl: string, { withDatabase = true } = {}): ConnectionConfig {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: withDatabase ? databaseNameOf(databaseUrl) : undefined,
    multipleStatements: true,
    connectTimeout: 3_000,
  };
}

export async function connectMariaDb(databaseUrl: string, options?: { withDatabase?: boolean }) {
  try {
    return await mariadb.createConnection(connectionConfigFromUrl(databaseUrl, options));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code && UNREACHABLE_CODES.has(code)) throw new DatabaseUnreachableError(databaseUrl, { cause: error });
    throw error;
  }
}

export async function ensureDatabase(databaseUrl: string) {
  const name = databaseNameOf(databaseUrl);
  const connection = await connectMariaDb(databaseUrl, { withDatabase: false });
  try {
    await connection.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await connection.end();
  }
}

export function migrationChecksum(sqlText: string) {
  return createHash("sha256").update(sqlText, "utf8").digest("hex");
}

export type LocalMigration = { name: string; sql: string; checksum: string };

export async function readLocalMigrations(migrationsDir = MIGRATIONS_DIR): Promise<LocalMigration[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory() && existsSync(path.join(migrationsDir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    // Plain code-unit order, as Prisma sorts: the timestamp prefix makes it chronological.
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(migrationsDir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: migrationChecksum(sql) };
    }),
  );
}

type MigrationRow = {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
};

export type ApplyMigrationsResult = { applied: string[]; alreadyApplied: number; warnings: string[] };

/** MariaDB rejects a query that is only comments ("Query was empty"); such a migration is simply recorded. */
function hasStatements(sql: string) {
  const withoutComments = sql.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*(--|#).*$/gm, "");
  return withoutComments.replace(/[\s;]/g, "").length > 0;
}

export async function applyMigrations(
  databaseUrl: string,
  { log = console.log, migrationsDir = MIGRATIONS_DIR }: { log?: (message: string) => void; migrationsDir?: string } = {},
): Promise<ApplyMigrationsResult> {
  const migrations = await readLocalMigrations(migrationsDir);
  const connection = await connectMariaDb(databaseUrl);
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    log(`warning: ${message}`);
  };

  try {
    const [lock] = await connection.query<{ acquired: number | bigint | null }[]>(
      `SELECT GET_LOCK('${LOCK_NAME}', ${LOCK_TIMEOUT_S}) AS acquired`,
    );
    if (Number(lock?.acquired) !== 1) {
      throw new Error(`Another migration holds the '${LOCK_NAME}' lock; waited ${LOCK_TIMEOUT_S}s`);
    }

    try {
      await connection.query(MIGRATIONS_TABLE_DDL);
      const rows = await connection.query<MigrationRow[]>(
        "SELECT id, checksum, migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY started_at, migration_name",
      );

      // Same rule as Prisma (P3009): a started-but-unfinished migration may have half-applied DDL (MariaDB
      // commits each DDL statement), so nothing else runs until a person has repaired it and marked it.
      const unfinished = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
      if (unfinished) {
        throw new Error(
          `Migration ${unfinished.migration_name} started but did not finish (see _prisma_migrations.logs). ` +
            "Repair the database by hand, then mark it: " +
            `UPDATE _prisma_migrations SET rolled_back_at = UTC_TIMESTAMP(3) WHERE id = '${unfinished.id}' (to re-run it) ` +
            "or set finished_at (if it is in fact complete).",
        );
      }

      // Rolled-back rows do not count: Prisma re-applies such a migration.
      const appliedByName = new Map(
        rows.filter((row) => row.finished_at !== null && row.rolled_back_at === null).map((row) => [row.migration_name, row]),
      );
      const localNames = new Set(migrations.map((migration) => migration.name));
      for (const name of appliedByName.keys()) {
        if (!localNames.has(name)) warn(`${name} is applied in the database but missing from ${migrationsDir}`);
      }

      const applied: string[] = [];
      let alreadyApplied = 0;
      for (const migration of migrations) {
        const existing = appliedByName.get(migration.name);
        if (existing) {
          alreadyApplied += 1;
          if (existing.checksum !== migration.checksum) {
            warn(`${migration.name} was edited after it was applied (checksum changed); add a new migration instead`);
          }
          continue;
        }

        const id = randomUUID();
        await connection.query(
          "INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name) VALUES (?, ?, UTC_TIMESTAMP(3), ?)",
          [id, migration.checksum, migration.name],
        );
        try {
          if (hasStatements(migration.sql)) await connection.query(migration.sql);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          await connection.query("UPDATE _prisma_migrations SET logs = ? WHERE id = ?", [message, id]);
          // The driver's message repeats the whole migration SQL; the logs column keeps that, the console gets the gist.
          const summary = (error as { sqlMessage?: string }).sqlMessage ?? message;
          throw new Error(`Migration ${migration.name} failed: ${summary}`, { cause: error });
        }
        await connection.query(
          "UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1, finished_at = UTC_TIMESTAMP(3) WHERE id = ?",
          [id],
        );
        applied.push(migration.name);
        log(`applied ${migration.name}`);
      }

      return { applied, alreadyApplied, warnings };
    } finally {
      await connection.query(`SELECT RELEASE_LOCK('${LOCK_NAME}')`);
    }
  } finally {
    await connection.end();
  }
}

async function main() {
  await import("~/server/load-env.ts");
  const { env } = await import("~/server/env.js");
  const { hostname, port, pathname } = new URL(env.DATABASE_URL);
  const target = `${hostname}:${port || 3306}${pathname}`;

  await ensureDatabase(env.DATABASE_URL);
  const { applied, alreadyApplied, warnings } = await applyMigrations(env.DATABASE_URL);
  const warningNote = warnings.length > 0 ? `, ${warnings.length} warning(s)` : "";
  console.log(
    applied.length > 0
      ? `Migrated ${target}: applied ${applied.length} migration(s), ${alreadyApplied} already applied${warningNote}.`
      : `${target} is up to date (${alreadyApplied} migration(s) applied${warningNote}).`,
  );
}

const isRunDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isRunDirectly) {
  main().catch((error: unknown) => {
    console.error(error instanceof DatabaseUnreachableError ? error.message : error);
    process.exit(1);
  });
}
