/**
 * Finishes a PII key rotation: re-encrypts every encrypted column of User, Address and Order to PII_ACTIVE_KEY_ID, in
 * batches, then checks that nothing is left under another key. Run it after every instance runs with the new key
 * active; remove the old key from PII_KEYS only once this reports 0 remaining. Procedure: README › Key rotation.
 *
 *   npx tsx scripts/rotate-pii-keys.ts [--batch-size=200]
 */
import "~/server/load-env.ts";

import { configFromEnv } from "~/server/config.ts";
import { db } from "~/server/db.ts";
import { countStalePii, rotatePiiKeys } from "~/server/domain/accounts/rotate-pii-keys.ts";

const batchArgument = process.argv.find((argument) => argument.startsWith("--batch-size="));
const batchSize = batchArgument ? Number(batchArgument.split("=")[1]) : 200;
if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
  console.error("--batch-size must be an integer between 1 and 10000");
  process.exit(1);
}

const keyring = configFromEnv().pii;
console.log(`Re-encrypting personal data to key "${keyring.activeKeyId}" (keys available: ${[...keyring.keys.keys()].join(", ")})`);

try {
  const report = await rotatePiiKeys({ db }, {
    keyring,
    batchSize,
    onBatch: (table, rewritten) => console.log(`  ${table}: ${rewritten} row(s) re-encrypted`),
  });
  for (const [table, { rewritten, skipped }] of Object.entries(report)) {
    console.log(`${table}: ${rewritten} re-encrypted${skipped ? `, ${skipped} changed meanwhile (already on the active key)` : ""}`);
  }

  const remaining = await countStalePii({ db }, keyring);
  const total = Object.values(remaining).reduce((sum, count) => sum + count, 0);
  if (total > 0) {
    console.error(`Rows still under an old key: ${JSON.stringify(remaining)}. Re-run this script before removing any key.`);
    process.exitCode = 1;
  } else {
    console.log("Done: every value is under the active key. Old keys can now be removed from PII_KEYS.");
  }
} finally {
  await db.$disconnect();
}
