// The fixtures load .env.local, so they must be imported before anything that reads the environment.
import { advanceAppClock, appNow, expect, readLatestMail, signInContext, test } from "./fixtures/app";

import { createFlashSale, createOrder, createProduct, createUser } from "~/server/testing/factories.ts";

test.describe("restock alerts (재입고 알림)", () => {
  test("a shopper asks on a sold-out product, the admin restocks it, the mail links back, and its unsubscribe link works", async ({ page, context, browser, db }) => {
    const shopper = await createUser(db);
    const admin = await createUser(db, { role: "ADMIN" });
    const product = await createProduct(db, { name: `재입고 e2e 상품 ${Date.now()}`, stock: 0, status: "SOLD_OUT", price: 45_000 });

    // Signed out: the page offers a sign-in instead of the button.
    const anonymous = await browser.newContext();
    const anonymousPage = await anonymous.newPage();
    await anonymousPage.goto(`/products/${product.id}`);
    await expect(anonymousPage.getByRole("link", { name: "로그인하고 재입고 알림 받기" })).toHaveAttribute("href", `/login?callbackUrl=${encodeURIComponent(`/products/${product.id}`)}`);
    await anonymous.close();

    // Signed in: notify me, cancel, and ask again.
    await signInContext(context, shopper);
    await page.goto(`/products/${product.id}`);
    await expect(page.getByTestId("product-status")).toHaveText("품절");
    await page.getByRole("button", { name: "재입고 알림 신청" }).click();
    await expect(page.getByTestId("restock-alert-state")).toHaveText("알림 신청됨");
    await page.getByRole("button", { name: "취소" }).click();
    await expect(page.getByRole("button", { name: "재입고 알림 신청" })).toBeVisible();
    await page.getByRole("button", { name: "재입고 알림 신청" }).click();
    await expect(page.getByTestId("restock-alert-state")).toHaveText("알림 신청됨");
    // It survives a reload (the state comes from the server, not the page).
    await page.reload();
    await expect(page.getByTestId("restock-alert-state")).toHaveText("알림 신청됨");

    // The admin puts it back on sale from the product's admin page.
    const adminContext = await browser.newContext();
    await signInContext(adminContext, admin);
    const adminPage = await adminContext.newPage();
    await adminPage.goto(`/admin/products/${product.id}`);
    await adminPage.getByLabel("재고").fill("7");
    await adminPage.getByLabel("판매 상태").selectOption("AVAILABLE");
    await adminPage.getByRole("button", { name: "변경 사항 저장" }).click();
    await expect(adminPage.getByTestId("product-saved")).toBeVisible();
    await adminContext.close();

    // The outbox relay (in-process runner, every second) hands the restock to its handler, which mails once.
    await expect.poll(() => db.emailMessage.count({ where: { toAddress: shopper.email, template: "restock-alert" } }), { timeout: 20_000 }).toBe(1);
    const text = await readLatestMail(page, shopper.email);
    expect(text).toContain(`${product.name} 상품이 다시 입고되었습니다.`);
    const productUrl = /지금 구매하기: (\S+)/.exec(text)?.[1];
    const unsubscribeUrl = /알림 해지: (\S+)/.exec(text)?.[1];
    expect(productUrl).toMatch(new RegExp(`/products/${product.id}$`));

    await page.goto(productUrl!);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(product.name);
    await expect(page.getByTestId("product-status")).not.toHaveText("품절");
    await expect(page.getByTestId("restock-alert")).toHaveCount(0);

    // One-click unsubscribe works signed out.
    await context.clearCookies();
    await page.goto(unsubscribeUrl!);
    await expect(page.getByTestId("restock-unsubscribed")).toContainText("알림이 해지되었습니다.");
    await expect(page.getByTestId("restock-unsubscribed")).toContainText(product.name);
    const alert = await db.restockSubscription.findFirstOrThrow({ where: { userId: shopper.id, productId: product.id } });
    expect(alert.canceledAt).not.toBeNull();

    await page.goto(`${unsubscribeUrl!.slice(0, -4)}AAAA`);
    await expect(page.getByTestId("restock-unsubscribe-error")).toHaveText("알림 해지 링크가 올바르지 않습니다.");
    // Still exactly one mail for this restock.
    expect(await db.emailMessage.count({ where: { toAddress: shopper.email, template: "restock-alert" } })).toBe(1);
  });

  test("on a sale whose only unit is held, the shopper asks; the hold expires and the mail links to the sale", async ({ page, context, request, db }) => {
    const shopper = await createUser(db);
    const holder = await createUser(db);
    const now = await appNow();
    const sale = await createFlashSale(db, { opensAt: new Date(now.getTime() - 60_000), state: "OPEN", quantity: 1, holdMinutes: 10 });
    await createOrder(db, { userId: holder.id, productId: sale.productId, saleId: sale.id, paymentDueAt: new Date(now.getTime() + 3 * 60_000) });

    await signInContext(context, shopper);
    await page.goto(`/sales/${sale.id}`);
    await expect(page.getByTestId("sale-all-held")).toBeVisible();
    await page.getByRole("button", { name: "재입고 알림 신청" }).click();
    await expect(page.getByTestId("restock-alert-state")).toHaveText("알림 신청됨");

    // The holder never pays: past the deadline the due work expires the hold and the unit goes back to the sale.
    await advanceAppClock(4 * 60_000);
    await expect.poll(() => db.emailMessage.count({ where: { toAddress: shopper.email, template: "restock-alert" } }), { timeout: 20_000 }).toBe(1);
    const text = await readLatestMail(page, shopper.email);
    expect(text).toContain("선착순 세일에 구매 가능한 수량이 다시 생겼습니다.");
    // The mail client's own unsubscribe button (List-Unsubscribe-Post, RFC 8058): one cookie-less POST, alert ended.
    const token = /알림 해지: \S+\?token=(\S+)/.exec(text)?.[1];
    const oneClick = await request.post(`/api/restock/unsubscribe?token=${token}`, { form: { "List-Unsubscribe": "One-Click" }, maxRedirects: 0 });
    expect(oneClick.status()).toBe(200);
    expect((await db.restockSubscription.findFirstOrThrow({ where: { userId: shopper.id, saleId: sale.id } })).canceledAt).not.toBeNull();
    const saleUrl = /지금 구매하기: (\S+)/.exec(text)?.[1];
    expect(saleUrl).toMatch(new RegExp(`/sales/${sale.id}$`));
    await page.goto(saleUrl!);
    await expect(page.getByTestId("sale-all-held")).toHaveCount(0);
    await expect(page.getByTestId("restock-alert")).toHaveCount(0);
  });
});
