// The fixtures load .env.local, so they must be imported before anything that reads the environment.
import { appNow, expect, signInContext, test } from "./fixtures/app";

import { createOrder, createUser } from "~/server/testing/factories.ts";
import { SANDBOX_PROVIDER_NAME } from "~/server/payments/gateway.ts";

const MINUTE = 60_000;

test.describe("admin payment reconciliation", () => {
  test("an admin finds a flagged payment the provider never captured, checks it now, and sees it settled and logged", async ({ page, context, db }, testInfo) => {
    await page.setViewportSize({ width: 1366, height: 900 });
    const admin = await createUser(db, { role: "ADMIN" });
    const buyer = await createUser(db);
    await signInContext(context, admin);

    // A confirm whose answer was lost 20 minutes ago, for a key the e2e sandbox never saw; reconciliation flagged it.
    // It was checked just now for the eighth time: the in-process sweep (every second here) then waits five minutes
    // before its next check, so the admin's "check now" is the one that settles it.
    const now = await appNow();
    const { id: productId } = await db.product.findFirstOrThrow({ orderBy: { id: "asc" }, select: { id: true } });
    const order = await createOrder(db, { userId: buyer.id, productId, unitPrice: 45_000, paymentDueAt: new Date(now.getTime() + 30 * MINUTE) });
    const statusAt = new Date(now.getTime() - 20 * MINUTE);
    const payment = await db.payment.create({
      data: {
        orderId: order.id,
        provider: SANDBOX_PROVIDER_NAME,
        paymentKey: `e2e_lost_${Date.now()}`,
        amount: 45_000,
        status: "PENDING",
        createdAt: statusAt,
        statusAt,
        checks: 8,
        checkedAt: now,
        flaggedAt: new Date(now.getTime() - 5 * MINUTE),
      },
      select: { id: true },
    });

    await page.goto("/admin");
    await expect(page.getByTestId("dashboard-payments")).toContainText("확인이 필요한 결제가");
    await page.getByRole("navigation", { name: "관리자 메뉴" }).getByRole("link", { name: "결제 대사" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "결제 대사" })).toBeVisible();

    const unsettled = page.getByRole("table", { name: "미정리 결제 목록" });
    const row = unsettled.getByTestId("unsettled-payment-row").filter({ hasText: order.id });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(`#${payment.id}`);
    await expect(row).toContainText("확인 중");
    await expect(row.getByTestId("payment-flagged")).toHaveText("확인 필요");
    await expect(row).toContainText("45,000원");
    await expect(row).toContainText("8회");
    await expect(row.getByRole("link", { name: order.id })).toHaveAttribute("href", `/admin/orders/${order.id}`);
    await page.screenshot({ path: testInfo.outputPath("admin-payments-flagged.png"), fullPage: true });

    await row.getByRole("button", { name: "지금 대조" }).click();
    await expect(page.getByTestId("recheck-result")).toHaveText(`결제 #${payment.id}: 결제사에 승인 내역이 없어 실패로 정리했습니다.`);
    await expect(unsettled.getByTestId("unsettled-payment-row").filter({ hasText: order.id })).toHaveCount(0);

    const action = page.getByRole("table", { name: "최근 결제 조치" }).getByTestId("payment-action-row").filter({ hasText: order.id });
    await expect(action).toHaveCount(1);
    await expect(action).toContainText("결제 대사 처리");
    await expect(action).toContainText("확인 중 → 실패(승인 내역 없음)");
    await expect(action.getByRole("link", { name: admin.id })).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath("admin-payments-settled.png"), fullPage: true });

    expect(await db.payment.findUniqueOrThrow({ where: { id: payment.id }, select: { status: true, failureCode: true } })).toEqual({ status: "FAILED", failureCode: "NOT_CAPTURED" });
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "payment.reconcile", targetType: "PAYMENT", targetId: String(payment.id) } });
    expect(audit.actorId).toBe(admin.id);
  });
});
