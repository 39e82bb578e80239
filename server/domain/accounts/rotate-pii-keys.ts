import { decryptPii, encryptPii, piiKeyIdOf, type PiiKeyring } from "~/server/crypto/pii.ts";
import type { DepsOf } from "~/server/deps.ts";

/**
 * Every column that holds encrypted personal data. Key rotation must cover all of them, so a new encrypted column
 * belongs here (rotate-pii-keys.test.ts fails for a `…Enc` column of these tables that is missing).
 */
export const ENCRYPTED_COLUMNS = {
  User: ["emailEnc", "nameEnc", "phoneEnc"],
  Address: ["recipientEnc", "phoneEnc", "postalCodeEnc", "address1Enc", "address2Enc"],
  Order: ["recipientEnc", "phoneEnc", "postalCodeEnc", "address1Enc", "address2Enc"],
} as const satisfies Record<string, readonly string[]>;

export type EncryptedTable = keyof typeof ENCRYPTED_COLUMNS;
export type RotationReport = Record<EncryptedTable, { rewritten: number; skipped: number }>;

type Row = { id: string | number } & Record<string, string | null>;

// `_` and `%` are LIKE wildcards and key ids may contain `_`.
function likePrefixOfKey(keyId: string) {
  return `v1.${keyId.replace(/[\\%_]/g, "\\$&")}.%`;
}

/** SQL condition (and its parameters) matching rows with at least one value not written under the active key. */
function staleCondition(table: EncryptedTable, activeKeyId: string) {
  const columns = ENCRYPTED_COLUMNS[table];
  const sql = columns.map((column) => `(\`${column}\` IS NOT NULL AND \`${column}\` NOT LIKE ?)`).join(" OR ");
  return { sql, params: columns.map(() => likePrefixOfKey(activeKeyId)) };
}

/** How many rows per table still hold a value under a key other than the active one (0 everywhere = old keys removable). */
export async function countStalePii(deps: DepsOf<"db">, keyring: PiiKeyring) {
  const counts = {} as Record<EncryptedTable, number>;
  for (const table of Object.keys(ENCRYPTED_COLUMNS) as EncryptedTable[]) {
    const condition = staleCondition(table, keyring.activeKeyId);
    const [row] = await deps.db.$queryRawUnsafe<{ count: bigint }[]>(`SELECT COUNT(*) AS count FROM \`${table}\` WHERE ${condition.sql}`, ...condition.params);
    counts[table] = Number(row?.count ?? 0);
  }
  return counts;
}

/**
 * The last step of a key rotation: re-encrypts, in batches by primary key, every value not yet under the active key.
 * Each row is rewritten with a compare-and-set on its old values, so a concurrent edit (which the app already writes
 * under the active key) is never overwritten; such rows count as skipped and need nothing more. Safe to re-run.
 * Values are decrypted only in memory and never logged.
 */
export async function rotatePiiKeys(deps: DepsOf<"db">, options: { keyring: PiiKeyring; batchSize?: number; onBatch?: (table: EncryptedTable, rewritten: number) => void }) {
  const batchSize = options.batchSize ?? 200;
  const report = {} as RotationReport;

  for (const table of Object.keys(ENCRYPTED_COLUMNS) as EncryptedTable[]) {
    const columns = ENCRYPTED_COLUMNS[table];
    const condition = staleCondition(table, options.keyring.activeKeyId);
    const selectColumns = columns.map((column) => `\`${column}\``).join(", ");
    report[table] = { rewritten: 0, skipped: 0 };

    // Ids are strings (cuid) or integers; both sort and compare with `>` in MySQL.
    let cursor: string | number | null = null;
    for (;;) {
      const after = cursor === null ? "" : "`id` > ? AND ";
      const rows: Row[] = await deps.db.$queryRawUnsafe<Row[]>(
        `SELECT \`id\`, ${selectColumns} FROM \`${table}\` WHERE ${after}(${condition.sql}) ORDER BY \`id\` LIMIT ${batchSize}`,
        ...(cursor === null ? [] : [cursor]),
        ...condition.params,
      );
      if (rows.length === 0) break;

      let rewrittenInBatch = 0;
      for (const row of rows) {
        const next = columns.map((column) => {
          const stored = row[column] ?? null;
          if (stored === null || piiKeyIdOf(stored) === options.keyring.activeKeyId) return stored;
          return encryptPii(decryptPii(stored, options.keyring), options.keyring);
        });
        const assignments = columns.map((column) => `\`${column}\` = ?`).join(", ");
        const unchanged = columns.map((column) => `\`${column}\` <=> ?`).join(" AND ");
        const affected = await deps.db.$executeRawUnsafe(
          `UPDATE \`${table}\` SET ${assignments} WHERE \`id\` = ? AND ${unchanged}`,
          ...next,
          row.id,
          ...columns.map((column) => row[column] ?? null),
        );
        if (affected === 1) rewrittenInBatch += 1;
        else report[table].skipped += 1;
      }
      report[table].rewritten += rewrittenInBatch;
      options.onBatch?.(table, rewrittenInBatch);
      cursor = rows[rows.length - 1]!.id;
    }
  }
  return report;
}
