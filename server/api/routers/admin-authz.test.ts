/**
 * Authorization matrix for every admin dashboard procedure: anonymous → 401, USER → 403, ADMIN → allowed. A second
 * test fails when a new admin procedure is added without a row here.
 */
import type { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { appRouter, type AppRouter } from "~/server/api/root.ts";
import { db } from "~/server/db.ts";
import { redis } from "~/server/redis.ts";
import { trpcOutcomeOf } from "~/server/testing/api-test.ts";
import { createFlashSale, createOrder, createProduct, createUser, uniqueSuffix } from "~/server/testing/factories.ts";
import { createTestClient, sessionCookieFor, startTestServer } from "~/server/testing/http.ts";
import { deleteUsersWithOrders } from "~/server/testing/orders.ts";
import { deleteSaleCompletely } from "~/server/testing/sales.ts";

type Actor = "anonymous" | "user" | "admin";
type Client = ReturnType<typeof createTestClient>;
type Outcome = "OK" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND" | "BAD_REQUEST" | "PRECONDITION_FAILED";

const ADMIN_ROUTERS = ["adminProduct.", "adminOrder.", "adminUser.", "adminSystem.", "adminPayment."];
const ADMIN_SALE_DASHBOARD_PROCEDURES = ["adminSale.monitor", "adminSale.report", "adminSale.reportCsv"];

describe("admin dashboard authorization", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const clients = {} as Record<Actor, Client>;
  const userIds: string[] = [];
  let productId: number;
  let saleId: number;
  let orderId: string;
  let targetUserId: string;
  let deadLetterId: number;
  let pendingPaymentId: number;

  beforeAll(async () => {
    server = await startTestServer();
    const admin = await createUser(db, { role: "ADMIN" });
    const user = await createUser(db, { role: "USER" });
    const target = await createUser(db, { role: "USER" });
    userIds.push(admin.id, user.id, target.id);
    targetUserId = target.id;
    clients.anonymous = createTestClient(server.url);
    clients.user = createTestClient(server.url, { cookie: await sessionCookieFor(user) });
    clients.admin = createTestClient(server.url, { cookie: await sessionCookieFor(admin) });

    productId = (await createProduct(db)).id;
    saleId = (await createFlashSale(db, { opensAt: new Date("2233-01-01T00:00:00.000Z") })).id;
    orderId = (await createOrder(db, { userId: target.id, productId })).id;
    deadLetterId = (await db.outboxEvent.create({ data: { name: `test/authz-${uniqueSuffix()}`, payload: { orderId }, attempts: 10, deadAt: new Date() } })).id;
    // A fresh attempt the provider never saw: the admin's check answers "unresolved" and settles nothing.
    const unpaidOrderId = (await createOrder(db, { userId: target.id, productId })).id;
    pendingPaymentId = (await db.payment.create({ data: { orderId: unpaidOrderId, provider: "sandbox", paymentKey: `authz_${uniqueSuffix()}`, amount: 10_000, status: "PENDING" } })).id;
  });

  afterAll(async () => {
    await db.auditLog.deleteMany({ where: { actorId: { in: userIds } } });
    await deleteUsersWithOrders(db, userIds);
    await deleteSaleCompletely({ db, redis }, saleId);
    await db.product.deleteMany({ where: { id: productId } });
    await db.outboxEvent.deleteMany({ where: { id: deadLetterId } });
    await server.close();
  });

  const adminOnly: Record<Actor, Outcome> = { anonymous: "UNAUTHORIZED", user: "FORBIDDEN", admin: "OK" };

  const newProduct = () => ({
    name: `권한 테스트 ${uniqueSuffix()}`,
    description: "권한 매트릭스",
    price: 1_000,
    stock: 1,
    categoryId: 0,
    status: "AVAILABLE" as const,
    imageUrl: "/images/products/eco-yoga-mat.svg",
  });

  // Admin goes last: its calls may change what the others would have probed (cancel, discontinue).
  const matrix: { procedure: string; call: (client: Client) => Promise<unknown> }[] = [
    { procedure: "adminProduct.list", call: (client) => client.adminProduct.list.query({ page: 1 }) },
    { procedure: "adminProduct.get", call: (client) => client.adminProduct.get.query({ id: productId }) },
    { procedure: "adminProduct.categories", call: (client) => client.adminProduct.categories.query() },
    {
      procedure: "adminProduct.create",
      call: async (client) => {
        const categoryId = (await db.product.findUniqueOrThrow({ where: { id: productId }, select: { categoryId: true } })).categoryId;
        const created = await client.adminProduct.create.mutate({ ...newProduct(), categoryId });
        await db.product.delete({ where: { id: created.id } });
      },
    },
    { procedure: "adminProduct.update", call: (client) => client.adminProduct.update.mutate({ id: productId, data: { stock: 5 } }) },
    { procedure: "adminProduct.discontinue", call: (client) => client.adminProduct.discontinue.mutate({ id: productId }) },
    { procedure: "adminOrder.list", call: (client) => client.adminOrder.list.query({ page: 1 }) },
    { procedure: "adminOrder.get", call: (client) => client.adminOrder.get.query({ id: orderId }) },
    { procedure: "adminOrder.cancel", call: (client) => client.adminOrder.cancel.mutate({ id: orderId, reason: "권한 테스트" }) },
    { procedure: "adminUser.list", call: (client) => client.adminUser.list.query({ page: 1 }) },
    { procedure: "adminUser.get", call: (client) => client.adminUser.get.query({ id: targetUserId }) },
    { procedure: "adminUser.revealPersonalData", call: (client) => client.adminUser.revealPersonalData.mutate({ id: targetUserId }) },
    { procedure: "adminUser.revokeSessions", call: (client) => client.adminUser.revokeSessions.mutate({ userId: targetUserId }) },
    { procedure: "adminSystem.overview", call: (client) => client.adminSystem.overview.query() },
    { procedure: "adminSystem.status", call: (client) => client.adminSystem.status.query() },
    { procedure: "adminSystem.auditLog", call: (client) => client.adminSystem.auditLog.query({ page: 1 }) },
    { procedure: "adminSystem.deadLetters", call: (client) => client.adminSystem.deadLetters.query({ page: 1 }) },
    { procedure: "adminSystem.replayDeadLetter", call: (client) => client.adminSystem.replayDeadLetter.mutate({ id: deadLetterId }) },
    { procedure: "adminPayment.discrepancies", call: (client) => client.adminPayment.discrepancies.query() },
    { procedure: "adminPayment.recheck", call: (client) => client.adminPayment.recheck.mutate({ paymentId: pendingPaymentId }) },
    { procedure: "adminSale.monitor", call: (client) => client.adminSale.monitor.query({ id: saleId }) },
    { procedure: "adminSale.report", call: (client) => client.adminSale.report.query({ id: saleId }) },
    { procedure: "adminSale.reportCsv", call: (client) => client.adminSale.reportCsv.query({ id: saleId }) },
  ];

  it.each(matrix)("$procedure: anonymous 401, user 403, admin allowed", async ({ call }) => {
    const actual = {} as Record<Actor, Outcome>;
    for (const actor of ["anonymous", "user", "admin"] as const) actual[actor] = await trpcOutcomeOf<Outcome>(call(clients[actor]));
    expect(actual).toEqual(adminOnly);
  });

  it("has a row for every admin dashboard procedure", () => {
    const procedures = Object.keys(appRouter._def.procedures).filter(
      (path) => ADMIN_ROUTERS.some((prefix) => path.startsWith(prefix)) || ADMIN_SALE_DASHBOARD_PROCEDURES.includes(path),
    );
    const covered = new Set(matrix.map((row) => row.procedure));
    expect(procedures.filter((path) => !covered.has(path))).toEqual([]);
  });

  it("refuses an admin mutation sent from a foreign origin (CSRF)", async () => {
    const cookie = await sessionCookieFor({ id: userIds[0]!, role: "ADMIN" });
    const forged = createTestClient(server.url, { cookie, headers: { origin: "https://evil.example" } });
    const error = await forged.adminUser.revealPersonalData.mutate({ id: targetUserId }).catch((caught: unknown) => caught);
    expect((error as TRPCClientError<AppRouter>).data?.code).toBe("FORBIDDEN");
  });
});
