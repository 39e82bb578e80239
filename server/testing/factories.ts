import { randomUUID } from "node:crypto";

import { configFromEnv } from "~/server/config.ts";
import type { Db } from "~/server/db.ts";
import { emailBlindIndex, encryptPii } from "~/server/crypto/pii.ts";
import { hashPassword } from "~/server/crypto/password.ts";
import type { Prisma } from "~/server/generated/prisma/client.ts";

/** The keys rows are encrypted with: the same environment the app under test reads. */
const piiKeyring = configFromEnv().pii;

/** Unique rows per call, so tests never collide with each other or with seed data. */
export function uniqueSuffix() {
  return randomUUID().slice(0, 8);
}

export async function createCategory(db: Db) {
  const suffix = uniqueSuffix();
  return db.category.create({ data: { slug: `test-${suffix}`, name: `테스트 ${suffix}` } });
}

export async function createProduct(db: Db, overrides: Partial<Prisma.ProductUncheckedCreateInput> = {}) {
  const categoryId = overrides.categoryId ?? (await createCategory(db)).id;
  return db.product.create({
    data: {
      name: `테스트 상품 ${uniqueSuffix()}`,
      description: "테스트용 상품입니다.",
      price: 10_000,
      stock: 10,
      imageUrl: "/images/products/placeholder.svg",
      ...overrides,
      categoryId,
    },
  });
}

/**
 * A verified user. The password hash is a placeholder (API tests sign in by minted session cookie) unless `password`
 * is given, for tests that log in for real.
 */
export async function createUser(db: Db, overrides: { role?: "USER" | "ADMIN"; email?: string; verified?: boolean; password?: string; name?: string } = {}) {
  const email = overrides.email ?? `user-${uniqueSuffix()}@test.flashmart.local`;
  const user = await db.user.create({
    data: {
      emailIndex: emailBlindIndex(email, piiKeyring),
      emailEnc: encryptPii(email, piiKeyring),
      nameEnc: encryptPii(overrides.name ?? "테스트 사용자", piiKeyring),
      passwordHash: overrides.password ? await hashPassword(overrides.password) : "$argon2id$v=19$m=19456,t=2,p=1$placeholder$placeholder",
      role: overrides.role ?? "USER",
      emailVerifiedAt: overrides.verified === false ? null : new Date(),
    },
    select: { id: true, role: true },
  });
  return { ...user, email };
}

/** Many verified users in one INSERT, for race tests and benchmarks (ids are generated here, not by the database). */
export async function createUsers(db: Db, count: number) {
  const batch = uniqueSuffix();
  const rows = Array.from({ length: count }, (_, index) => {
    const email = `buyer-${batch}-${index}@test.flashmart.local`;
    return {
      id: `u${batch}${index.toString(36).padStart(6, "0")}`,
      emailIndex: emailBlindIndex(email, piiKeyring),
      emailEnc: encryptPii(email, piiKeyring),
      nameEnc: encryptPii(`구매자 ${index}`, piiKeyring),
      passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$placeholder$placeholder",
      emailVerifiedAt: new Date(),
    };
  });
  for (let start = 0; start < rows.length; start += 1_000) await db.user.createMany({ data: rows.slice(start, start + 1_000) });
  return rows.map((row) => ({ id: row.id, role: "USER" as const }));
}

export async function createFlashSale(db: Db, overrides: Partial<Prisma.SaleUncheckedCreateInput> & { opensAt: Date }) {
  const productId = overrides.productId ?? (await createProduct(db, { price: 100_000, stock: 0 })).id;
  return db.sale.create({ data: { salePrice: 59_000, quantity: 10, perUserLimit: 1, holdMinutes: 10, ...overrides, productId } });
}

/** A saved shipping address with every personal field encrypted, as the account pages store it. */
export async function createAddress(db: Db, userId: string, overrides: { isDefault?: boolean; label?: string; recipient?: string } = {}) {
  return db.address.create({
    data: {
      userId,
      label: overrides.label ?? "집",
      recipientEnc: encryptPii(overrides.recipient ?? "홍길동", piiKeyring),
      phoneEnc: encryptPii("010-1234-5678", piiKeyring),
      postalCodeEnc: encryptPii("06236", piiKeyring),
      address1Enc: encryptPii("서울특별시 강남구 테헤란로 123", piiKeyring),
      address2Enc: encryptPii("4층", piiKeyring),
      isDefault: overrides.isDefault ?? true,
    },
    select: { id: true, userId: true, isDefault: true },
  });
}

/** A default address for each of many users in one INSERT, for benchmarks and scenarios; returns user id → address id. */
export async function createDefaultAddresses(db: Db, userIds: string[]) {
  await db.address.createMany({
    data: userIds.map((userId) => ({
      userId,
      label: "집",
      recipientEnc: encryptPii("구매자", piiKeyring),
      phoneEnc: encryptPii("010-0000-0000", piiKeyring),
      postalCodeEnc: encryptPii("06236", piiKeyring),
      address1Enc: encryptPii("서울특별시 강남구 테헤란로 1", piiKeyring),
      isDefault: true,
    })),
  });
  const addresses = await db.address.findMany({ where: { userId: { in: userIds } }, select: { id: true, userId: true } });
  return new Map(addresses.map((address) => [address.userId, address.id]));
}

/**
 * An order row in any status, written directly (no stock, Redis or payment side effects): for tests of read models
 * such as admin lists and sale reports. One line of `quantity` units of the product.
 */
export async function createOrder(
  db: Db,
  input: { userId: string; productId: number; saleId?: number | null; status?: Prisma.OrderCreateInput["status"]; unitPrice?: number; quantity?: number } & Partial<
    Pick<Prisma.OrderUncheckedCreateInput, "createdAt" | "paidAt" | "paymentDueAt" | "expiredAt" | "cancelledAt" | "returnedAt">
  >,
) {
  const { userId, productId, saleId = null, status = "PENDING_PAYMENT", unitPrice = 10_000, quantity = 1, ...times } = input;
  return db.order.create({
    data: {
      userId,
      saleId,
      status,
      idempotencyKey: randomUUID(),
      totalAmount: unitPrice * quantity,
      paymentDueAt: times.paymentDueAt ?? new Date(Date.now() + 10 * 60_000),
      ...times,
      items: { create: { productId, productName: "테스트 상품", unitPrice, quantity, lineTotal: unitPrice * quantity } },
    },
    select: { id: true, userId: true, saleId: true, status: true },
  });
}
