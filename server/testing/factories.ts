import { randomUUID } from "node:crypto";

import type { Db } from "~/server/db.ts";
import { emailBlindIndex, encryptPii } from "~/server/crypto/pii.ts";
import type { Prisma } from "~/server/generated/prisma/client.ts";

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

/** A verified user; the password hash is a placeholder because API tests sign in by minted session cookie. */
export async function createUser(db: Db, overrides: { role?: "USER" | "ADMIN"; email?: string; verified?: boolean } = {}) {
  const email = overrides.email ?? `user-${uniqueSuffix()}@test.flashmart.local`;
  const user = await db.user.create({
    data: {
      emailIndex: emailBlindIndex(email),
      emailEnc: encryptPii(email),
      nameEnc: encryptPii("테스트 사용자"),
      passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$placeholder$placeholder",
      role: overrides.role ?? "USER",
      emailVerifiedAt: overrides.verified === false ? null : new Date(),
    },
    select: { id: true, role: true },
  });
  return { ...user, email };
}
