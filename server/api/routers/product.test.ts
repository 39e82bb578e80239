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
