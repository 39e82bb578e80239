import type { inferRouterInputs } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { AppRouter } from "~/server/api/root.ts";
import { db } from "~/server/db.ts";
import { trpcErrorOf } from "~/server/testing/api-test.ts";
import { createCategory, createUser, uniqueSuffix } from "~/server/testing/factories.ts";
import { createTestClient, sessionCookieFor, startTestServer } from "~/server/testing/http.ts";

type CreateInput = inferRouterInputs<AppRouter>["adminProduct"]["create"];

describe("adminProduct", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let admin: ReturnType<typeof createTestClient>;
  let adminId: string;
  let categoryId: number;
  const tag = `관리상품-${uniqueSuffix()}`;

  beforeAll(async () => {
    server = await startTestServer();
    const user = await createUser(db, { role: "ADMIN" });
    adminId = user.id;
    admin = createTestClient(server.url, { cookie: await sessionCookieFor(user) });
    categoryId = (await createCategory(db)).id;
  });

  afterAll(async () => {
    await db.product.deleteMany({ where: { name: { startsWith: tag } } });
    await db.category.delete({ where: { id: categoryId } });
    await db.user.delete({ where: { id: adminId } });
    await server.close();
  });

  const valid = (overrides: Partial<CreateInput> = {}): CreateInput => ({
    name: `${tag} 기본`,
    description: "관리자가 등록한 상품",
    price: 12_900,
    stock: 30,
    categoryId,
    status: "AVAILABLE",
    imageUrl: "/uploads/products/0123456789abcdef0123456789abcdef.png",
    ...overrides,
  });

  it("creates a product, finds it by name and by #id, edits and discontinues it", async () => {
    const created = await admin.adminProduct.create.mutate(valid({ name: `${tag} 생성` }));
    expect(created).toMatchObject({ name: `${tag} 생성`, price: 12_900, stock: 30, status: "AVAILABLE", category: { id: categoryId } });

    const byName = await admin.adminProduct.list.query({ query: `${tag} 생성` });
    expect(byName.items.map((item) => item.id)).toEqual([created.id]);
    const byId = await admin.adminProduct.list.query({ query: `#${created.id}` });
    expect(byId.items.map((item) => item.id)).toContain(created.id);

    const updated = await admin.adminProduct.update.mutate({ id: created.id, data: { price: 9_900, stock: 0, status: "SOLD_OUT" } });
    expect(updated).toMatchObject({ name: `${tag} 생성`, price: 9_900, stock: 0, status: "SOLD_OUT" });

    const discontinued = await admin.adminProduct.discontinue.mutate({ id: created.id });
    expect(discontinued.status).toBe("DISCONTINUED");
    // Gone from the storefront, still in the admin list, and discontinuing again is harmless.
    expect((await trpcErrorOf(admin.product.get.query({ id: created.id }))).data?.code).toBe("NOT_FOUND");
    expect((await admin.adminProduct.list.query({ query: `${tag} 생성`, status: "DISCONTINUED" })).total).toBe(1);
    expect((await admin.adminProduct.discontinue.mutate({ id: created.id })).status).toBe("DISCONTINUED");
  });

  it("pages through search results without overlaps", async () => {
    const pagingTag = `${tag} 페이지`;
    for (let index = 0; index < 23; index += 1) await admin.adminProduct.create.mutate(valid({ name: `${pagingTag} ${index}` }));
    const first = await admin.adminProduct.list.query({ query: pagingTag, page: 1 });
    const second = await admin.adminProduct.list.query({ query: pagingTag, page: 2 });
    expect(first).toMatchObject({ total: 23, pageCount: 2 });
    expect(first.items).toHaveLength(20);
    expect(second.items).toHaveLength(3);
    expect(new Set([...first.items, ...second.items].map((item) => item.id)).size).toBe(23);
  });

  it("returns field errors (data.zodError) in Korean and creates nothing for invalid input", async () => {
    const error = await trpcErrorOf(
      admin.adminProduct.create.mutate(valid({ name: " ", price: 50, stock: -1, imageUrl: "https://evil.example/x.png", description: `${tag} 무효` })),
    );
    expect(error.data?.code).toBe("BAD_REQUEST");
    const fieldErrors = error.data?.zodError?.fieldErrors as Record<string, string[]>;
    expect(fieldErrors.name?.[0]).toBe("상품명을 입력해 주세요.");
    expect(fieldErrors.price?.[0]).toBe("가격은 100원 이상이어야 합니다.");
    expect(fieldErrors.stock?.[0]).toBe("재고는 0개 이상이어야 합니다.");
    expect(fieldErrors.imageUrl?.[0]).toBe("상품 이미지를 올려 주세요.");
    expect(await db.product.count({ where: { description: `${tag} 무효` } })).toBe(0);
  });

  it("refuses an unknown category and an unknown product", async () => {
    const badCategory = await trpcErrorOf(admin.adminProduct.create.mutate(valid({ categoryId: 2_000_000_000 })));
    expect([badCategory.data?.code, badCategory.message]).toEqual(["BAD_REQUEST", "존재하지 않는 카테고리입니다."]);
    expect((await trpcErrorOf(admin.adminProduct.update.mutate({ id: 2_000_000_000, data: { stock: 1 } }))).data?.code).toBe("NOT_FOUND");
    expect((await trpcErrorOf(admin.adminProduct.get.query({ id: 2_000_000_000 }))).data?.code).toBe("NOT_FOUND");
  });
});
