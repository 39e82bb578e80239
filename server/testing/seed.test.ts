import { verify } from "@node-rs/argon2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO_PRODUCTS, DEMO_USERS, demoSaleOpensAt, seedDemoData, type SeedResult } from "~/prisma/seed.ts";
import { configFromEnv } from "~/server/config.ts";
import { decryptPii, emailBlindIndex } from "~/server/crypto/pii.ts";
import { createPrismaClient, type Db } from "~/server/db.ts";
import { createScratchDatabase } from "~/server/testing/db-url.ts";

// Whole-table counts need a database no other test file writes to, so this file seeds its own.
const { pii } = configFromEnv();

describe("seedDemoData", () => {
  const now = new Date("2026-11-24T09:30:27.500Z");
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let db: Db;
  let firstRun: SeedResult;

  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.DATABASE_URL!, "seed");
    db = createPrismaClient(scratch.databaseUrl, 2);
    firstRun = await seedDemoData(db, { now });
  });

  afterAll(async () => {
    await db?.$disconnect();
    await scratch?.drop();
  });

  async function countRows() {
    const [categories, products, users, sales] = await Promise.all([
      db.category.count(),
      db.product.count(),
      db.user.count(),
      db.sale.count(),
    ]);
    return { categories, products, users, sales };
  }

  it("creates categories, products, users and one upcoming sale", async () => {
    expect(firstRun.isSkipped).toBe(false);
    expect(await countRows()).toEqual({ categories: 6, products: DEMO_PRODUCTS.length, users: 2, sales: 1 });

    const products = await db.product.findMany({ select: { price: true, stock: true, status: true, imageUrl: true } });
    expect(products.filter((product) => product.status === "SOLD_OUT").map((product) => product.stock)).toEqual([0, 0]);
    expect(products.filter((product) => product.status === "DISCONTINUED")).toHaveLength(1);
    for (const product of products) {
      expect(Number.isInteger(product.price) && product.price > 0).toBe(true);
      expect(product.imageUrl).toMatch(/^\/images\/products\/[a-z0-9-]+\.svg$/);
      if (product.status === "AVAILABLE") expect(product.stock).toBeGreaterThanOrEqual(5);
      expect(product.stock).toBeLessThanOrEqual(200);
    }

    const sale = await db.sale.findFirstOrThrow({
      select: {
        state: true,
        quantity: true,
        perUserLimit: true,
        holdMinutes: true,
        salePrice: true,
        opensAt: true,
        product: { select: { price: true } },
      },
    });
    expect(sale).toMatchObject({ state: "SCHEDULED", quantity: 100, perUserLimit: 1, holdMinutes: 10 });
    expect(sale.salePrice).toBeLessThan(sale.product.price);
    expect(sale.opensAt).toEqual(new Date("2026-11-24T10:31:00.000Z"));
    expect(demoSaleOpensAt(now)).toEqual(sale.opensAt);
  });

  it("stores personal data only encrypted, with a working blind index and argon2id hash", async () => {
    // Raw SQL: the client omits passwordHash globally, and this checks exactly what sits in the table.
    type UserRow = { emailIndex: string; emailEnc: string; nameEnc: string; phoneEnc: string; passwordHash: string; role: string };
    const rows = await db.$queryRaw<UserRow[]>`
      SELECT emailIndex, emailEnc, nameEnc, phoneEnc, passwordHash, role FROM User ORDER BY role`;

    expect(rows).toHaveLength(DEMO_USERS.length);
    for (const demo of DEMO_USERS) {
      const row = rows.find((candidate) => candidate.emailIndex === emailBlindIndex(demo.email, pii));
      expect(row, demo.email).toBeDefined();
      const stored = JSON.stringify(row);
      for (const plaintext of [demo.email, "flashmart.local", demo.name, "010-1234-5678", demo.password]) {
        expect(stored).not.toContain(plaintext);
      }
      expect(decryptPii(row!.emailEnc, pii)).toBe(demo.email);
      expect(decryptPii(row!.nameEnc, pii)).toBe(demo.name);
      expect(decryptPii(row!.phoneEnc, pii)).toBe("010-1234-5678");
      expect(row!.role).toBe(demo.role);
      expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
      expect(await verify(row!.passwordHash, demo.password)).toBe(true);
    }
  });

  it("does nothing when run again", async () => {
    const before = await countRows();

    const result = await seedDemoData(db, { now: new Date(now.getTime() + 60_000) });

    expect(result).toEqual({ isSkipped: true });
    expect(await countRows()).toEqual(before);
  });
});
