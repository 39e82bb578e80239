import { TRPCClientError } from "@trpc/client";
import type { inferRouterInputs } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { AppRouter } from "~/server/api/root.ts";
import { db } from "~/server/db.ts";
import { createCategory, createProduct } from "~/server/testing/factories.ts";
import { createTestClient, startTestServer } from "~/server/testing/http.ts";

type ListInput = inferRouterInputs<AppRouter>["product"]["list"];

describe("product router over HTTP", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let client: ReturnType<typeof createTestClient>;
  let categoryId: number;
  const productIds: number[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    client = createTestClient(server.url);
    categoryId = (await createCategory(db)).id;
    for (const [index, status] of (["AVAILABLE", "AVAILABLE", "SOLD_OUT", "DISCONTINUED", "AVAILABLE"] as const).entries()) {
      const product = await createProduct(db, { categoryId, status, createdAt: new Date(Date.UTC(2030, 0, 1, 0, 0, index)) });
      productIds.push(product.id);
    }
  });

  afterAll(async () => {
    await db.product.deleteMany({ where: { id: { in: productIds } } });
    await db.category.delete({ where: { id: categoryId } });
    await server.close();
  });

  it("lists available and sold-out products newest first, never discontinued ones", async () => {
    const input: ListInput = { page: 1, pageSize: 12 };
    const page = await client.product.list.query(input);
    const ours = page.items.filter((item) => productIds.includes(item.id));
    expect(ours.map((item) => item.id)).toEqual([productIds[4], productIds[2], productIds[1], productIds[0]]);
    expect(ours.find((item) => item.status === "SOLD_OUT")).toBeDefined();
    expect(page.items.some((item) => item.status === "DISCONTINUED")).toBe(false);
    expect(page.total).toBeGreaterThanOrEqual(4);
  });

  it("pages without overlap or gaps and reports the total", async () => {
    const all = await client.product.list.query({ page: 1, pageSize: 48 });
    const firstPage = await client.product.list.query({ page: 1, pageSize: 12 });
    const secondPage = await client.product.list.query({ page: 2, pageSize: 12 });
    expect(firstPage.total).toBe(all.total);
    expect(firstPage.pageCount).toBe(Math.max(1, Math.ceil(all.total / 12)));
    const seen = [...firstPage.items, ...secondPage.items].map((item) => item.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(all.items.slice(0, seen.length).map((item) => item.id));
  });

  it("rejects a page size that is not offered", async () => {
    await expect(client.product.list.query({ page: 1, pageSize: 13 as 12 })).rejects.toMatchObject({ data: { code: "BAD_REQUEST", httpStatus: 400 } });
  });

  it("returns product detail with description and stock", async () => {
    const product = await client.product.get.query({ id: productIds[0]! });
    expect(product).toMatchObject({ id: productIds[0], stock: 10, price: 10_000, description: "테스트용 상품입니다." });
  });

  it("answers NOT_FOUND for discontinued, unknown and malformed ids", async () => {
    await expect(client.product.get.query({ id: productIds[3]! })).rejects.toMatchObject({ data: { code: "NOT_FOUND", httpStatus: 404 } });
    await expect(client.product.get.query({ id: 2_000_000_000 })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    const malformed = await client.product.get.query({ id: "abc" as unknown as number }).catch((error: unknown) => error);
    expect(malformed).toBeInstanceOf(TRPCClientError);
    expect((malformed as TRPCClientError<AppRouter>).data?.code).toBe("BAD_REQUEST");
    expect((malformed as TRPCClientError<AppRouter>).data?.zodError?.fieldErrors).toHaveProperty("id");
  });

  it("refuses bodies larger than the limit without touching the router", async () => {
    const response = await fetch(`${server.url}/api/trpc/system.noop`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: { padding: "x".repeat(200_000) } }),
    });
    expect(response.status).toBe(413);
  });

  it("refuses cross-origin mutations (CSRF) and accepts same-origin ones", async () => {
    const forged = await fetch(`${server.url}/api/trpc/system.noop`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://evil.example" },
      body: "{}",
    });
    expect(forged.status).toBe(403);
    const sameOrigin = await fetch(`${server.url}/api/trpc/system.noop`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: "{}",
    });
    expect(sameOrigin.status).toBe(200);
  });
});

describe("catalog filters over HTTP", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let client: ReturnType<typeof createTestClient>;
  let category: { id: number; slug: string; name: string };
  let otherCategoryId: number;
  // A token no other test or seed row contains, so name searches see only our rows.
  const token = `ZQ${Math.random().toString(36).slice(2, 8)}`;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    server = await startTestServer();
    client = createTestClient(server.url);
    category = await createCategory(db);
    otherCategoryId = (await createCategory(db)).id;
    const rows = [
      { key: "cheap", name: `${token} 양말 50% 할인`, price: 5_000, categoryId: category.id },
      { key: "mid", name: `${token} 500 티셔츠`, price: 20_000, categoryId: category.id },
      { key: "samePrice", name: `${token} 모자_특가`, price: 20_000, categoryId: category.id },
      { key: "dear", name: `${token} 코트`, price: 90_000, categoryId: category.id, status: "SOLD_OUT" as const },
      { key: "gone", name: `${token} 단종 자켓`, price: 1_000, categoryId: category.id, status: "DISCONTINUED" as const },
      { key: "elsewhere", name: `${token} 다른 카테고리`, price: 7_000, categoryId: otherCategoryId },
    ];
    for (const [index, row] of rows.entries()) {
      const { key, ...data } = row;
      ids[key] = (await createProduct(db, { ...data, createdAt: new Date(Date.UTC(2031, 0, 1, 0, 0, index)) })).id;
    }
  });

  afterAll(async () => {
    await db.product.deleteMany({ where: { categoryId: { in: [category.id, otherCategoryId] } } });
    await db.category.deleteMany({ where: { id: { in: [category.id, otherCategoryId] } } });
    await server.close();
  });

  const namesOf = (page: { items: { id: number }[] }) => page.items.map((item) => Object.entries(ids).find(([, id]) => id === item.id)?.[0]);

  it("filters by category slug and counts only the filtered rows", async () => {
    const page = await client.product.list.query({ category: category.slug, pageSize: 48 });
    expect(page.total).toBe(4);
    expect(namesOf(page)).toEqual(["dear", "samePrice", "mid", "cheap"]);
    expect((await client.product.list.query({ category: "no-such-category" })).total).toBe(0);
  });

  it("sorts by price both ways with id breaking ties, and by newest", async () => {
    expect(namesOf(await client.product.list.query({ category: category.slug, sort: "price-asc" }))).toEqual(["cheap", "mid", "samePrice", "dear"]);
    expect(namesOf(await client.product.list.query({ category: category.slug, sort: "price-desc" }))).toEqual(["dear", "samePrice", "mid", "cheap"]);
    expect(namesOf(await client.product.list.query({ category: category.slug, sort: "newest" }))).toEqual(["dear", "samePrice", "mid", "cheap"]);
  });

  it("pages a sorted, filtered list without overlap", async () => {
    const first = await client.product.list.query({ query: token, sort: "price-asc", pageSize: 12, page: 1 });
    expect(first.total).toBe(5);
    expect(namesOf(first)).toEqual(["cheap", "elsewhere", "mid", "samePrice", "dear"]);
    const beyond = await client.product.list.query({ query: token, sort: "price-asc", pageSize: 12, page: 2 });
    expect(beyond.items).toEqual([]);
    expect(beyond.total).toBe(5);
  });

  it("searches names case-insensitively and treats LIKE wildcards as plain text", async () => {
    expect(namesOf(await client.product.list.query({ query: `  ${token.toLowerCase()} 코트 ` }))).toEqual(["dear"]);
    // "50%" must not behave like LIKE '%50%…' and also match "500 티셔츠".
    expect(namesOf(await client.product.list.query({ query: "50%", category: category.slug }))).toEqual(["cheap"]);
    expect(namesOf(await client.product.list.query({ query: "모자_특", category: category.slug }))).toEqual(["samePrice"]);
    expect((await client.product.list.query({ query: `${token}%코트` })).total).toBe(0);
    expect((await client.product.list.query({ query: `${token}_` })).total).toBe(0);
    expect((await client.product.list.query({ query: "\\" })).items.every((item) => item.name.includes("\\"))).toBe(true);
    expect((await client.product.list.query({ query: "' OR 1=1 --" })).total).toBe(0);
    expect(namesOf(await client.product.list.query({ query: token, category: category.slug, sort: "price-desc" }))).toEqual(["dear", "samePrice", "mid", "cheap"]);
  });

  it("never lists discontinued products in a search", async () => {
    expect((await client.product.list.query({ query: `${token} 단종` })).total).toBe(0);
  });

  it("rejects unknown sorts, malformed slugs and overlong searches", async () => {
    for (const input of [{ sort: "cheapest" }, { category: "../etc" }, { query: "가".repeat(51) }] as ListInput[]) {
      await expect(client.product.list.query(input)).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
    }
  });

  it("lists categories for the filter", async () => {
    const categories = await client.product.categories.query();
    expect(categories).toContainEqual({ id: category.id, slug: category.slug, name: category.name });
  });
});
