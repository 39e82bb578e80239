/**
 * Key rotation: rows written under an old key stay readable once a new key is active, the rotation moves every one of
 * them to the active key (after which the old key can be removed), and the script does the same end to end.
 *
 * Other test files share this database, so the "old" key here is a throwaway one and the rotation target is the
 * environment's active key: rotating never touches rows of other tests (they are already under the active key).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { decryptPii, encryptPii, parsePiiKeyring, piiKeyIdOf, type PiiKeyring } from "~/server/crypto/pii.ts";
import { db } from "~/server/db.ts";
import { countStalePii, ENCRYPTED_COLUMNS, rotatePiiKeys, type EncryptedTable } from "~/server/domain/accounts/rotate-pii-keys.ts";
import { env } from "~/server/env.js";
import { createUser, uniqueSuffix } from "~/server/testing/factories.ts";

const oldKeyId = `old_${uniqueSuffix()}`;
const oldKeyBase64 = randomBytes(32).toString("base64");
const envKeyring = parsePiiKeyring(env.PII_KEYS, env.PII_ACTIVE_KEY_ID, env.PII_BLIND_INDEX_KEY);
/** Before the rotation: the old key is the active one. */
const beforeKeyring = parsePiiKeyring(`${env.PII_KEYS},${oldKeyId}:${oldKeyBase64}`, oldKeyId, env.PII_BLIND_INDEX_KEY);
/** During it: both keys are known, the new (environment) key is active. */
const rotationKeyring = parsePiiKeyring(`${env.PII_KEYS},${oldKeyId}:${oldKeyBase64}`, env.PII_ACTIVE_KEY_ID, env.PII_BLIND_INDEX_KEY);

async function writeUnderOldKey(keyring: PiiKeyring) {
  const user = await createUser(db);
  await db.user.update({ where: { id: user.id }, data: { emailEnc: encryptPii(user.email, keyring), nameEnc: encryptPii("이전 키 사용자", keyring), phoneEnc: encryptPii("010-1212-3434", keyring) } });
  const address = await db.address.create({
    data: {
      userId: user.id,
      label: "집",
      recipientEnc: encryptPii("이전 수령인", keyring),
      phoneEnc: encryptPii("010-5656-7878", keyring),
      postalCodeEnc: encryptPii("63122", keyring),
      address1Enc: encryptPii("제주특별자치도 제주시 첨단로 242", keyring),
      address2Enc: null,
      isDefault: true,
    },
  });
  const order = await db.order.create({
    data: {
      userId: user.id,
      idempotencyKey: `rotate-${uniqueSuffix()}`,
      totalAmount: 10_000,
      paymentDueAt: new Date(),
      recipientEnc: encryptPii("주문 수령인", keyring),
      phoneEnc: encryptPii("010-9090-1010", keyring),
      postalCodeEnc: encryptPii("04524", keyring),
      address1Enc: encryptPii("서울특별시 중구 세종대로 110", keyring),
      address2Enc: encryptPii("3층", keyring),
    },
  });
  return { userId: user.id, addressId: address.id, orderId: order.id };
}

async function storedValues(ids: { userId: string; addressId: number; orderId: string }) {
  const user = await db.user.findUniqueOrThrow({ where: { id: ids.userId }, select: { emailEnc: true, nameEnc: true, phoneEnc: true } });
  const address = await db.address.findUniqueOrThrow({ where: { id: ids.addressId }, select: { recipientEnc: true, phoneEnc: true, postalCodeEnc: true, address1Enc: true, address2Enc: true } });
  const order = await db.order.findUniqueOrThrow({ where: { id: ids.orderId }, select: { recipientEnc: true, phoneEnc: true, postalCodeEnc: true, address1Enc: true, address2Enc: true } });
  return [...Object.values(user), ...Object.values(address), ...Object.values(order)].filter((value): value is string => value !== null);
}

describe("PII key rotation", () => {
  const written: { userId: string; addressId: number; orderId: string }[] = [];

  beforeAll(async () => {
    written.push(await writeUnderOldKey(beforeKeyring));
  });

  afterAll(async () => {
    await db.order.deleteMany({ where: { id: { in: written.map((ids) => ids.orderId) } } });
    await db.user.deleteMany({ where: { id: { in: written.map((ids) => ids.userId) } } });
  });

  it("covers every encrypted column of every table", async () => {
    const columns = await db.$queryRaw<{ table: string; column: string }[]>`
      SELECT TABLE_NAME AS \`table\`, COLUMN_NAME AS \`column\` FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_NAME LIKE '%Enc' ORDER BY TABLE_NAME, ORDINAL_POSITION`;
    const actual = new Map<string, string[]>();
    for (const { table, column } of columns) actual.set(table, [...(actual.get(table) ?? []), column]);
    for (const [table, tableColumns] of actual) expect(ENCRYPTED_COLUMNS[table as EncryptedTable], table).toEqual(expect.arrayContaining(tableColumns));
  });

  it("still reads old rows once the new key is active, and re-encrypts them all to it", async () => {
    const ids = written[0]!;
    const before = await storedValues(ids);
    expect(before.every((value) => piiKeyIdOf(value) === oldKeyId)).toBe(true);
    // With the old key dropped, nothing is readable: this is what the rotation must fix before the key is removed.
    expect(() => decryptPii(before[0]!, envKeyring)).toThrow();
    const plaintexts = before.map((value) => decryptPii(value, rotationKeyring));
    expect(plaintexts).toContain("이전 키 사용자");

    const report = await rotatePiiKeys({ db }, { keyring: rotationKeyring, batchSize: 2 });
    expect(report.User.rewritten).toBeGreaterThanOrEqual(1);
    expect(report.Address.rewritten).toBeGreaterThanOrEqual(1);
    expect(report.Order.rewritten).toBeGreaterThanOrEqual(1);

    const after = await storedValues(ids);
    expect(after.every((value) => piiKeyIdOf(value) === env.PII_ACTIVE_KEY_ID)).toBe(true);
    // Readable with the environment's keys alone: the old key can go.
    expect(after.map((value) => decryptPii(value, envKeyring))).toEqual(plaintexts);
    expect(Object.values(await countStalePii({ db }, rotationKeyring)).every((count) => count === 0)).toBe(true);

    // Idempotent: a second run finds nothing to do.
    const again = await rotatePiiKeys({ db }, { keyring: rotationKeyring });
    expect(Object.values(again).every((entry) => entry.rewritten === 0)).toBe(true);
  });

  it("works end to end as `npx tsx scripts/rotate-pii-keys.ts`", async () => {
    const ids = await writeUnderOldKey(beforeKeyring);
    written.push(ids);
    const { stdout } = await promisify(execFile)("npx", ["tsx", "scripts/rotate-pii-keys.ts", "--batch-size=50"], {
      env: {
        ...process.env,
        DATABASE_URL: process.env.DATABASE_URL!,
        PII_KEYS: `${env.PII_KEYS},${oldKeyId}:${oldKeyBase64}`,
        PII_ACTIVE_KEY_ID: env.PII_ACTIVE_KEY_ID,
      },
      timeout: 60_000,
    });
    expect(stdout).toContain("Old keys can now be removed");
    expect((await storedValues(ids)).every((value) => piiKeyIdOf(value) === env.PII_ACTIVE_KEY_ID)).toBe(true);
  });
});
