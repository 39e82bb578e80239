// The dead-letter migration turns events the old relay skipped silently into dead letters. It runs once, on data
// no test fixture makes any more, so it gets its own database migrated up to just before it.
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { applyMigrations, connectMariaDb, databaseNameOf, ensureDatabase } from "~/scripts/migrate.ts";
import { dropDatabase, withDatabaseName } from "~/server/testing/db-url.ts";

const MIGRATION = "20261204050100_outbox_dead_letter";
const MIGRATIONS_DIR = new URL("../../../prisma/migrations/", import.meta.url).pathname;

describe(`migration ${MIGRATION}`, () => {
  let databaseUrl: string;
  let earlierMigrationsDir: string;

  beforeAll(async () => {
    databaseUrl = withDatabaseName(process.env.DATABASE_URL!, `${databaseNameOf(process.env.DATABASE_URL!)}_dlmig`);
    await ensureDatabase(databaseUrl);
    earlierMigrationsDir = await mkdtemp(path.join(tmpdir(), "flashmart-migrations-"));
    for (const entry of await readdir(MIGRATIONS_DIR, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name < MIGRATION) await cp(path.join(MIGRATIONS_DIR, entry.name), path.join(earlierMigrationsDir, entry.name), { recursive: true });
    }
    await applyMigrations(databaseUrl, { log: () => {}, migrationsDir: earlierMigrationsDir });
  });

  afterAll(async () => {
    await dropDatabase(databaseUrl);
    await rm(earlierMigrationsDir, { recursive: true, force: true });
  });

  it("dead-letters undelivered events whose attempts are used up, and nothing else", async () => {
    const connection = await connectMariaDb(databaseUrl);
    try {
      await connection.query(
        `INSERT INTO OutboxEvent (id, name, payload, attempts, processedAt, lockedUntil, lastError) VALUES
          (1, 'shop/payment.refund-requested', '{"orderId":"a","paymentId":1}', 10, NULL, NULL, 'provider down'),
          (2, 'shop/order.paid', '{"orderId":"b"}', 11, NULL, UTC_TIMESTAMP(3) - INTERVAL 1 HOUR, NULL),
          (3, 'shop/order.paid', '{"orderId":"c"}', 10, UTC_TIMESTAMP(3), NULL, NULL),
          (4, 'shop/order.paid', '{"orderId":"d"}', 3, NULL, NULL, 'timeout'),
          (5, 'shop/order.paid', '{"orderId":"e"}', 10, NULL, UTC_TIMESTAMP(3) + INTERVAL 1 MINUTE, NULL)`,
      );

      const { applied } = await applyMigrations(databaseUrl, { log: () => {} });
      expect(applied).toContain(MIGRATION);

      const rows = (await connection.query("SELECT id, deadAt IS NOT NULL AS isDead, lockedUntil IS NULL AS isUnlocked, lastError FROM OutboxEvent ORDER BY id")) as {
        id: number;
        isDead: number | bigint;
        isUnlocked: number | bigint;
        lastError: string | null;
      }[];
      expect(rows.map((row) => ({ id: row.id, isDead: Number(row.isDead) === 1 }))).toEqual([
        { id: 1, isDead: true },
        { id: 2, isDead: true },
        { id: 3, isDead: false },
        { id: 4, isDead: false },
        // A delivery in flight: the relay dead-letters it if that attempt ends without an outcome.
        { id: 5, isDead: false },
      ]);
      expect(Number(rows[1]?.isUnlocked)).toBe(1);
      expect(rows[0]?.lastError).toBe("provider down");
    } finally {
      await connection.end();
    }
  });
});
