// The fixtures load .env.local, so they must be imported before anything that reads the environment.
import { advanceAppClock, appNow, expect, signInContext, test } from "./fixtures/app";

import { createAddress, createFlashSale, createUser } from "~/server/testing/factories.ts";

test.describe("flash sale", () => {
  test("the countdown reaches zero, a buyer wins and pays, the sold count updates and the next shopper sees sold out", async ({ browser, db }) => {
    const opensAt = new Date((await appNow()).getTime() + 20_000);
    const sale = await createFlashSale(db, { opensAt, quantity: 1, salePrice: 49_000 });
    const buyer = await createUser(db);
    // A sale order is placed without an address; the buyer's default one is preselected on the pay page.
    await createAddress(db, buyer.id, { label: "우리집", recipient: "김세일" });
    const latecomer = await createUser(db);

    const buyerContext = await browser.newContext();
    await signInContext(buyerContext, buyer);
    const page = await buyerContext.newPage();
    await page.goto(`/sales/${sale.id}`);
    await expect(page.getByTestId("sale-phase")).toHaveText("오픈 예정");
    await expect(page.getByRole("timer", { name: "오픈까지 남은 시간" })).toHaveText(/00:[01]\d/);
    await expect(page.getByRole("button", { name: "아직 오픈 전입니다" })).toBeDisabled();

    await advanceAppClock(20_000);
    await expect(page.getByTestId("sale-phase")).toHaveText("판매 중");
    await page.getByRole("button", { name: "지금 구매" }).click();
    await expect(page.getByTestId("sale-hold")).toContainText("1개를 확보했습니다");
    await expect(page.getByTestId("sale-remaining")).toHaveText("남은 수량 0 / 1");

    await page.getByRole("link", { name: "결제하러 가기" }).click();
    await expect(page.getByRole("radio", { name: /우리집/ })).toBeChecked();
    await page.getByRole("button", { name: "49,000원 결제하기" }).click();
    await expect(page.getByTestId("order-status")).toHaveText("결제 완료");
    await expect(page.getByText("김세일")).toBeVisible();

    await page.goto(`/sales/${sale.id}`);
    await expect(page.getByTestId("sale-sold")).toHaveText("1개 판매 완료");
    await expect(page.getByTestId("sale-purchased")).toContainText("1개를 구매했습니다");

    const latecomerContext = await browser.newContext();
    await signInContext(latecomerContext, latecomer);
    const latePage = await latecomerContext.newPage();
    await latePage.goto(`/sales/${sale.id}`);
    await expect(latePage.getByTestId("sale-phase")).toHaveText("품절");
    await expect(latePage.getByTestId("sale-sold-out")).toBeVisible();
    await expect(latePage.getByRole("button", { name: "지금 구매" })).toBeDisabled();
    await buyerContext.close();
    await latecomerContext.close();
  });

  test("a buyer at the per-user limit is told so", async ({ page, context, db }) => {
    const sale = await createFlashSale(db, { opensAt: new Date((await appNow()).getTime() - 1_000), quantity: 5, perUserLimit: 1 });
    const buyer = await createUser(db);
    await createAddress(db, buyer.id, { label: "우리집" });
    await signInContext(context, buyer);

    await page.goto(`/sales/${sale.id}`);
    await page.getByRole("button", { name: "지금 구매" }).click();
    await page.getByRole("link", { name: "결제하러 가기" }).click();
    await expect(page.getByRole("radio", { name: /우리집/ })).toBeChecked();
    await page.getByRole("button", { name: /결제하기$/ }).click();
    await expect(page.getByTestId("order-status")).toHaveText("결제 완료");

    await page.goto(`/sales/${sale.id}`);
    await expect(page.getByTestId("sale-limit")).toHaveText("1인당 구매 한도에 도달했습니다.");
    await expect(page.getByRole("button", { name: "지금 구매" })).toBeDisabled();
  });

  test("a buyer logged out everywhere from another device cannot buy with the page's purchase token", async ({ browser, page, context, db }) => {
    const sale = await createFlashSale(db, { opensAt: new Date((await appNow()).getTime() - 1_000), quantity: 3 });
    const buyer = await createUser(db);
    await signInContext(context, buyer);
    const tokenFetched = page.waitForResponse((response) => response.url().includes("sale.purchaseToken") && response.ok());
    await page.goto(`/sales/${sale.id}`);
    await tokenFetched;

    const otherDevice = await browser.newContext();
    await signInContext(otherDevice, buyer);
    const otherPage = await otherDevice.newPage();
    await otherPage.goto("/account");
    otherPage.once("dialog", (dialog) => void dialog.accept());
    await otherPage.getByRole("button", { name: "모든 기기에서 로그아웃" }).click();
    await expect(otherPage).toHaveURL(/\/login/);

    await page.getByRole("button", { name: "지금 구매" }).click();
    await expect(page.getByTestId("sale-notice")).toHaveText("로그인이 만료되었습니다. 다시 로그인해 주세요.");
    expect(await db.order.count({ where: { saleId: sale.id } })).toBe(0);
    await otherDevice.close();
  });

  test("an unpaid hold expires and the buyer is told", async ({ page, context, db }) => {
    const sale = await createFlashSale(db, { opensAt: new Date((await appNow()).getTime() - 1_000), quantity: 3, holdMinutes: 1 });
    const buyer = await createUser(db);
    await signInContext(context, buyer);

    await page.goto(`/sales/${sale.id}`);
    await page.getByRole("button", { name: "지금 구매" }).click();
    await expect(page.getByTestId("sale-hold")).toBeVisible();

    await advanceAppClock(60_000 + 3_000);
    await expect(page.getByTestId("sale-hold-expired")).toHaveText("결제 시간이 지나 확보한 상품이 취소되었습니다.");
    await expect(page.getByTestId("sale-hold")).toHaveCount(0);
    await expect.poll(async () => (await db.order.findFirst({ where: { saleId: sale.id, userId: buyer.id } }))?.status, { timeout: 15_000 }).toBe("EXPIRED");
  });
});
