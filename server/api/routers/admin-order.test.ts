import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { appDeps } from "~/server/app.ts";
import { db } from "~/server/db.ts";
import type { PaymentGateway } from "~/server/payments/types.ts";
import { trpcErrorOf } from "~/server/testing/api-test.ts";
import { createOrder, createProduct, createUser } from "~/server/testing/factories.ts";
import { createTestClient, sessionCookieFor, startTestServer } from "~/server/testing/http.ts";
import { deleteUsersWithOrders, newPaymentKey } from "~/server/testing/orders.ts";

/** A provider that always refunds: the admin cancel of a paid order must end with the payment REFUNDED. */
const refundingGateway: PaymentGateway = {
  name: "sandbox",
  confirm: () => Promise.reject(new Error("not used")),
  cancel: () => Promise.resolve({ outcome: "CANCELLED" }),
  lookUp: () => Promise.reject(new Error("not used")),
  circuitStatus: () => "closed",
};

describe("adminOrder", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let admin: ReturnType<typeof createTestClient>;
  let adminId: string;
  let buyer: { id: string; email: string };
  let otherBuyer: { id: string; email: string };
  let productId: number;

  beforeAll(async () => {
    server = await startTestServer({ deps: { ...appDeps(), payments: refundingGateway } });
    const adminUser = await createUser(db, { role: "ADMIN" });
    adminId = adminUser.id;
    admin = createTestClient(server.url, { cookie: await sessionCookieFor(adminUser) });
    buyer = await createUser(db);
    otherBuyer = await createUser(db);
    productId = (await createProduct(db, { stock: 5 })).id;
  });

  afterAll(async () => {
    await db.auditLog.deleteMany({ where: { actorId: adminId } });
    await deleteUsersWithOrders(db, [buyer.id, otherBuyer.id, adminId]);
    await db.product.deleteMany({ where: { id: productId } });
    await server.close();
  });

  it("filters by status, date range and the buyer's email (blind index), newest first", async () => {
    const older = await createOrder(db, { userId: buyer.id, productId, status: "PAID", createdAt: new Date("2199-05-01T10:00:00.000Z") });
    const newer = await createOrder(db, { userId: buyer.id, productId, status: "EXPIRED", createdAt: new Date("2199-05-03T10:00:00.000Z") });
    const foreign = await createOrder(db, { userId: otherBuyer.id, productId, status: "PAID", createdAt: new Date("2199-05-02T10:00:00.000Z") });

    const byEmail = await admin.adminOrder.list.query({ email: buyer.email.toUpperCase() });
    expect(byEmail.items.map((order) => order.id)).toEqual([newer.id, older.id]);
    expect(byEmail.items[0]).toMatchObject({ userId: buyer.id, title: "테스트 상품", lineCount: 1 });

    const paidInRange = await admin.adminOrder.list.query({ status: "PAID", from: new Date("2199-05-01T00:00:00.000Z"), to: new Date("2199-05-04T00:00:00.000Z") });
    expect(paidInRange.items.map((order) => order.id)).toEqual([foreign.id, older.id]);

    expect((await admin.adminOrder.list.query({ email: "nobody@test.flashmart.local" })).total).toBe(0);
    const badRange = await trpcErrorOf(admin.adminOrder.list.query({ from: new Date("2199-05-04T00:00:00.000Z"), to: new Date("2199-05-01T00:00:00.000Z") }));
    expect(badRange.data?.code).toBe("BAD_REQUEST");
  });

  it("shows any buyer's order without its encrypted shipping snapshot", async () => {
    const order = await createOrder(db, { userId: otherBuyer.id, productId });
    const detail = await admin.adminOrder.get.query({ id: order.id });
    expect(detail).toMatchObject({ id: order.id, userId: otherBuyer.id, status: "PENDING_PAYMENT", canCancel: true, audit: [] });
    expect(Object.keys(detail).filter((key) => key.endsWith("Enc"))).toEqual([]);
    expect((await trpcErrorOf(admin.adminOrder.get.query({ id: "nonexistent" }))).data?.code).toBe("NOT_FOUND");
  });

  it("cancels with a reason, records it in the audit log once, and refuses a second cancel", async () => {
    const order = await createOrder(db, { userId: buyer.id, productId });
    const result = await admin.adminOrder.cancel.mutate({ id: order.id, reason: "재고 오류로 인한 취소" });
    expect(result).toEqual({ id: order.id, status: "CANCELLED", isRefundRequested: false });

    const stored = await db.order.findUniqueOrThrow({ where: { id: order.id }, select: { status: true, cancelReason: true } });
    expect(stored).toEqual({ status: "CANCELLED", cancelReason: "관리자 취소: 재고 오류로 인한 취소" });
    const audit = await db.auditLog.findMany({ where: { targetType: "ORDER", targetId: order.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: adminId, action: "order.cancel", reason: "재고 오류로 인한 취소", metadata: { previousStatus: "PENDING_PAYMENT", buyerId: buyer.id } });

    const again = await trpcErrorOf(admin.adminOrder.cancel.mutate({ id: order.id, reason: "두 번째 시도" }));
    expect([again.data?.code, again.message]).toEqual(["PRECONDITION_FAILED", "이미 취소된 주문입니다."]);
    expect(await db.auditLog.count({ where: { targetType: "ORDER", targetId: order.id } })).toBe(1);
    expect((await admin.adminOrder.get.query({ id: order.id })).audit).toHaveLength(1);
  });

  it("refunds a paid order through the provider", async () => {
    const order = await createOrder(db, { userId: buyer.id, productId, status: "PAID", paidAt: new Date() });
    const payment = await db.payment.create({
      data: { orderId: order.id, provider: "sandbox", paymentKey: newPaymentKey(), amount: 10_000, status: "APPROVED", approvedAt: new Date() },
    });
    const result = await admin.adminOrder.cancel.mutate({ id: order.id, reason: "고객 요청 환불" });
    expect(result.isRefundRequested).toBe(true);
    expect((await db.payment.findUniqueOrThrow({ where: { id: payment.id } })).status).toBe("REFUNDED");
  });

  it("requires a reason and leaves the order untouched without one", async () => {
    const order = await createOrder(db, { userId: buyer.id, productId });
    const error = await trpcErrorOf(admin.adminOrder.cancel.mutate({ id: order.id, reason: " " }));
    expect(error.data?.code).toBe("BAD_REQUEST");
    expect((error.data?.zodError?.fieldErrors as Record<string, string[]>).reason?.[0]).toBe("취소 사유를 2자 이상 입력해 주세요.");
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("PENDING_PAYMENT");
    expect(await db.auditLog.count({ where: { targetId: order.id } })).toBe(0);
  });

  it("cannot cancel an order that has shipped", async () => {
    const order = await createOrder(db, { userId: buyer.id, productId, status: "SHIPPING", paidAt: new Date() });
    const error = await trpcErrorOf(admin.adminOrder.cancel.mutate({ id: order.id, reason: "배송 중 취소 시도" }));
    expect(error.data?.code).toBe("PRECONDITION_FAILED");
    expect(await db.auditLog.count({ where: { targetId: order.id } })).toBe(0);
  });
});
