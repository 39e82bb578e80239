// Runs against several app instances behind nginx: npx playwright test -c playwright.instances.config.ts.
// The fixtures load .env.local, so they must be imported before anything that reads the environment.
import { expect, INSTANCE_URLS, INSTANCES_PROXY_URL, signInEverywhere, test } from "./fixtures/instances";

import { createAddress, createFlashSale, createProduct, createUser } from "~/server/testing/factories.ts";

test.describe("several app instances behind nginx", () => {
  test("nginx spreads requests over every instance, each naming itself", async ({ request, db }) => {
    const sale = await createFlashSale(db, { opensAt: new Date(Date.now() - 1_000), quantity: 5 });
    const input = encodeURIComponent(JSON.stringify({ json: { id: sale.id } }));
    const answers = await Promise.all(Array.from({ length: 30 }, () => request.get(`${INSTANCES_PROXY_URL}/api/trpc/sale.status?input=${input}`)));
    const instances = new Set(answers.map((answer) => answer.headers()["x-instance"]));
    expect(answers.every((answer) => answer.ok())).toBe(true);
    expect([...instances].sort()).toEqual(["app-1", "app-2", "app-3"]);
  });

  test("the last unit bought and paid on one instance shows as sold out on another within 2 s", async ({ browser, db }) => {
    const sale = await createFlashSale(db, { opensAt: new Date(Date.now() - 1_000), quantity: 1, salePrice: 49_000 });
    const buyer = await createUser(db);
    await createAddress(db, buyer.id, { label: "우리집", recipient: "김세일" });
    const waiter = await createUser(db);

    // Each browser pinned to its own instance: the buyer on app-1, the waiter on app-2.
    const buyerContext = await browser.newContext();
    const waiterContext = await browser.newContext();
    await signInEverywhere(buyerContext, buyer);
    await signInEverywhere(waiterContext, waiter);
    const buyerPage = await buyerContext.newPage();
    const waiterPage = await waiterContext.newPage();
    const [buyerLoad, waiterLoad] = await Promise.all([buyerPage.goto(`${INSTANCE_URLS[0]}/sales/${sale.id}`), waiterPage.goto(`${INSTANCE_URLS[1]}/sales/${sale.id}`)]);
    expect(buyerLoad?.headers()["x-instance"]).toBe("app-1");
    expect(waiterLoad?.headers()["x-instance"]).toBe("app-2");
    await expect(waiterPage.getByRole("button", { name: "지금 구매" })).toBeEnabled();

    await buyerPage.getByRole("button", { name: "지금 구매" }).click();
    await expect(buyerPage.getByTestId("sale-hold")).toContainText("1개를 확보했습니다");
    // Held, not yet sold: the waiter on the other instance can no longer buy and is told the unit is held.
    await expect(waiterPage.getByTestId("sale-all-held")).toBeVisible({ timeout: 2_000 });
    await expect(waiterPage.getByRole("button", { name: "지금 구매" })).toBeDisabled();

    await buyerPage.getByRole("link", { name: "결제하러 가기" }).click();
    await buyerPage.getByRole("button", { name: "49,000원 결제하기" }).click();
    await expect(buyerPage.getByTestId("order-status")).toHaveText("결제 완료");
    await expect(waiterPage.getByTestId("sale-sold-out")).toBeVisible({ timeout: 2_000 });
    await expect(waiterPage.getByTestId("sale-phase")).toHaveText("품절");
    await buyerContext.close();
    await waiterContext.close();
  });

  test("one user pressing buy on two instances at once gets exactly the per-user limit", async ({ browser, db }) => {
    const sale = await createFlashSale(db, { opensAt: new Date(Date.now() - 1_000), quantity: 5, perUserLimit: 1 });
    const buyer = await createUser(db);

    // Two devices of the same person, pinned to app-1 and app-3.
    const pages = await Promise.all(
      [INSTANCE_URLS[0], INSTANCE_URLS[2]].map(async (url) => {
        const context = await browser.newContext();
        await signInEverywhere(context, buyer);
        const page = await context.newPage();
        await page.goto(`${url}/sales/${sale.id}`);
        await expect(page.getByRole("button", { name: "지금 구매" })).toBeEnabled();
        return page;
      }),
    );
    await Promise.all(pages.map((page) => page.getByRole("button", { name: "지금 구매" }).click()));

    // One hold in all: both devices show that same hold (the limit answer while holding a unit is the hold itself).
    for (const page of pages) await expect(page.getByTestId("sale-hold")).toContainText("1개를 확보했습니다");
    const orders = await db.order.findMany({ where: { saleId: sale.id }, select: { userId: true } });
    expect(orders).toEqual([{ userId: buyer.id }]);
    await expect(pages[1]!.getByTestId("sale-remaining")).toHaveText("남은 수량 4 / 5");
    for (const page of pages) await page.context().close();
  });

  const statusIn = (html: string) => /data-testid="product-status"[^>]*>([^<]*)</.exec(html)?.[1];

  test("a product bought out on one instance shows 품절 on every instance and through nginx within 2 s", async ({ browser, request, db }) => {
    const product = await createProduct(db, { stock: 1, price: 31_000 });
    const buyer = await createUser(db);
    await createAddress(db, buyer.id, { label: "우리집", recipient: "김재고" });

    // An anonymous visitor on every instance and on nginx: each of their page caches now holds "남은 수량 1개".
    const visitorContext = await browser.newContext();
    const visitor = await visitorContext.newPage();
    const pageUrls = [...INSTANCE_URLS, INSTANCES_PROXY_URL].map((origin) => `${origin}/products/${product.id}`);
    for (const url of pageUrls) {
      await visitor.goto(url);
      await expect(visitor.getByTestId("product-status")).toHaveText("판매 중");
    }

    // The last unit goes in an order placed on app-1.
    const buyerContext = await browser.newContext();
    await signInEverywhere(buyerContext, buyer);
    const buying = await buyerContext.newPage();
    await buying.goto(`${INSTANCE_URLS[0]}/products/${product.id}`);
    await buying.getByRole("link", { name: "바로 구매" }).click();
    const placeOrder = buying.getByRole("button", { name: "31,000원 주문하기" });
    await expect(placeOrder).toBeEnabled();

    // The worst case: every cache has just taken a fresh copy saying "판매 중" when the order goes in.
    for (const url of pageUrls) expect(statusIn(await (await request.get(url)).text())).toBe("판매 중");
    const soldAt = Date.now();
    await placeOrder.click();

    // Every instance's cached page and nginx's copy of it stop offering the product within 2 s of the press, all
    // watched at once (a browser load per check would spend the budget on loading, not on waiting).
    await Promise.all(
      pageUrls.map((url) =>
        expect
          .poll(async () => statusIn(await (await request.get(url)).text()), { timeout: Math.max(0, soldAt + 2_000 - Date.now()), intervals: [50] })
          .toBe("품절"),
      ),
    );
    await expect(buying.getByRole("heading", { level: 1, name: "결제하기" })).toBeVisible();
    await visitor.goto(pageUrls.at(-1)!);
    await expect(visitor.getByTestId("product-status")).toHaveText("품절");
    await expect(visitor.getByTestId("purchase-note")).toBeVisible();
    await visitorContext.close();
    await buyerContext.close();
  });
});
