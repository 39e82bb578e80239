/**
 * Personal data at rest and in logs: reads the raw tables (no Prisma model mapping) after a real sign-up, and captures
 * everything the process writes while the account flows run, including failures.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { createApp } from "~/server/app.ts";
import { env } from "~/server/env.js";
import { configFromEnv } from "~/server/config.ts";
import { decryptPii, emailBlindIndex, encryptPii } from "~/server/crypto/pii.ts";
import { db } from "~/server/db.ts";
import { authenticatePassword } from "~/server/domain/auth/authenticate-password.ts";
import { signUp } from "~/server/domain/accounts/sign-up.ts";
import { redis } from "~/server/redis.ts";
import { systemClock } from "~/server/clock.ts";
import { latestVerificationMail } from "~/server/testing/accounts.ts";
import { uniqueSuffix } from "~/server/testing/factories.ts";
import { createTestClient, sessionCookieFor, startTestServer, TEST_CLIENT_IP_HEADER, uniqueTestIp } from "~/server/testing/http.ts";

const { pii } = configFromEnv();
const suffix = uniqueSuffix();
const person = {
  email: `pii-${suffix}@test.flashmart.local`,
  password: `Secret-${suffix}9!`,
  name: `개인정보${suffix}`,
  phone: "010-7777-8888",
  address: { label: "집", recipient: `수령인${suffix}`, phone: "010-6666-5555", postalCode: "48058", address1: `부산광역시 해운대구 센텀${suffix}로 1`, address2: `비밀동${suffix}` },
};
const plaintexts = [person.email, person.name, person.address.recipient, person.address.address1, person.address.address2, "7777-8888", "6666-5555", "48058"];

describe("personal data at rest", () => {
  let userId: string;
  const logged: string[] = [];

  beforeAll(async () => {
    // Everything the process writes from here on: our logger (stderr), console.*, Auth.js and Prisma output.
    const capture = (chunk: unknown) => {
      logged.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stderr, "write").mockImplementation(capture);
    vi.spyOn(process.stdout, "write").mockImplementation(capture);
    for (const method of ["log", "info", "warn", "error", "debug"] as const) vi.spyOn(console, method).mockImplementation((...args) => void logged.push(args.map(String).join(" ")));

    await signUp(createApp({ db, clock: systemClock }), person);
    userId = (await db.user.findUniqueOrThrow({ where: { emailIndex: emailBlindIndex(person.email, pii) }, select: { id: true } })).id;
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await db.user.deleteMany({ where: { id: userId } });
    await db.emailMessage.deleteMany({ where: { toAddress: person.email } });
  });

  it("stores no plaintext in User, Address or EmailVerification, only versioned AES-GCM envelopes", async () => {
    const users = await db.$queryRaw<Record<string, unknown>[]>`SELECT * FROM \`User\` WHERE id = ${userId}`;
    const addresses = await db.$queryRaw<Record<string, unknown>[]>`SELECT * FROM \`Address\` WHERE userId = ${userId}`;
    const verifications = await db.$queryRaw<Record<string, unknown>[]>`SELECT * FROM \`EmailVerification\` WHERE userId = ${userId}`;
    expect(users).toHaveLength(1);
    expect(addresses).toHaveLength(1);

    const raw = JSON.stringify([users, addresses, verifications], (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
    for (const plaintext of plaintexts) expect(raw).not.toContain(plaintext);
    expect(raw).not.toContain(person.password);
    const { code } = await latestVerificationMail(db, person.email);
    expect(JSON.stringify(verifications)).not.toContain(code);

    const envelope = new RegExp(`^v1\\.${env.PII_ACTIVE_KEY_ID}\\.[\\w-]{16}\\.[\\w-]{22}\\.[\\w-]+$`);
    const user = users[0]!;
    for (const column of ["emailEnc", "nameEnc", "phoneEnc"]) expect(user[column]).toMatch(envelope);
    for (const column of ["recipientEnc", "phoneEnc", "postalCodeEnc", "address1Enc", "address2Enc"]) expect(addresses[0]![column]).toMatch(envelope);
    // The blind index is a keyed HMAC, not a plain hash anyone could recompute from the address.
    expect(user.emailIndex).toBe(emailBlindIndex(person.email, pii));
    expect(decryptPii(user.nameEnc as string, pii)).toBe(person.name);
  });

  it("uses a fresh IV for every value: equal plaintexts never give equal ciphertexts", () => {
    const values = new Set(Array.from({ length: 50 }, () => encryptPii(person.name, pii)));
    expect(values.size).toBe(50);
    const ivs = new Set([...values].map((value) => value.split(".")[2]));
    expect(ivs.size).toBe(50);
  });

  it("refuses a tampered value (authenticated encryption) and a value moved to another key id", () => {
    const stored = encryptPii(person.name, pii);
    const parts = stored.split(".");
    const ciphertext = Buffer.from(parts[4]!, "base64url");
    ciphertext[0] = ciphertext[0]! ^ 1;
    expect(() => decryptPii([...parts.slice(0, 4), ciphertext.toString("base64url")].join("."), pii)).toThrow();
    expect(() => decryptPii(["v1", "other-key", ...parts.slice(2)].join("."), pii)).toThrow();
  });

  it("never writes decrypted personal data to the logs, on success or failure", async () => {
    const server = await startTestServer();
    try {
      const cookie = await sessionCookieFor({ id: userId, role: "USER" });
      const client = createTestClient(server.url, { cookie, headers: { [TEST_CLIENT_IP_HEADER]: uniqueTestIp() } });
      const { code } = await latestVerificationMail(db, person.email);
      await createTestClient(server.url, { headers: { [TEST_CLIENT_IP_HEADER]: uniqueTestIp() } }).account.verifyEmail.mutate({ email: person.email, code });
      await client.account.me.query();
      await client.account.updateProfile.mutate({ data: { name: person.name, phone: person.phone } });
      await client.account.address.create.mutate(person.address);
      await client.account.address.list.query();
      await authenticatePassword(createApp({ db, redis }), { email: person.email, password: "Wrong-pass1!", ip: uniqueTestIp() });
      await authenticatePassword(createApp({ db, redis }), { email: person.email, password: person.password, ip: uniqueTestIp() });
      // Failures that get logged: a duplicate sign-up, invalid input, and a mail provider that is down.
      await client.account.signUp.mutate(person).catch(() => null);
      await client.account.address.create.mutate({ ...person.address, postalCode: "x" }).catch(() => null);
      await signUp(createApp({ db, clock: systemClock, sendEmail: () => Promise.reject(new Error("provider down")) }), { ...person, email: `pii2-${suffix}@test.flashmart.local` });
    } finally {
      await server.close();
      await db.user.deleteMany({ where: { emailIndex: emailBlindIndex(`pii2-${suffix}@test.flashmart.local`, pii) } });
    }

    const output = logged.join("\n");
    expect(output).toContain("verification email failed");
    for (const plaintext of [...plaintexts, `pii2-${suffix}`, person.password]) expect(output).not.toContain(plaintext);
  });
});
