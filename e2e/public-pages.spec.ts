// The fixtures load .env.local, so they must be imported before anything that reads the environment.
import { appNow, expect, signInContext, test } from "./fixtures/app";
import { E2E_PROXY_URL } from "./fixtures/proxy";

import { createFlashSale, createUser } from "~/server/testing/factories.ts";

/**
 * Public pages through the production front (nginx micro-cache → the app's page cache → Next): the sale page's HTML
 * is the same for everybody, and who is looking and what is left come from the API in the browser.
 */
test.describe("public pages through the proxy", () => {
  test.use({ baseURL: E2E_PROXY_URL });

  test("the shared sale page shows a signed-in shopper as signed in and an anonymous visitor as signed out", async ({ browser, db }) => {
    const sale = await createFlashSale(db, { opensAt: new Date((await appNow()).getTime() - 1_000), quantity: 5 });
    const shopper = await createUser(db);

    const anonymousContext = await browser.newContext();
    const anonymous = await anonymousContext.newPage();
    // The cached page's policy lists its inline scripts by hash (no per-request nonce): none may be blocked.
    const policyViolations: string[] = [];
    anonymous.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy/i.test(message.text())) policyViolations.push(message.text());
    });
    const anonymousResponse = await anonymous.goto(`/sales/${sale.id}`);
    expect(anonymousResponse?.headers()["cache-control"]).toMatch(/^public, .*s-maxage=1/);
    expect(anonymousResponse?.headers()["set-cookie"]).toBeUndefined();
    await expect(anonymous.getByTestId("sale-phase")).toHaveText("판매 중");
    await expect(anonymous.getByRole("link", { name: "로그인", exact: true })).toBeVisible();
    await expect(anonymous.getByRole("button", { name: "로그아웃" })).toHaveCount(0);
    await expect(anonymous.getByRole("button", { name: "지금 구매" })).toHaveCount(0);
    expect(policyViolations).toEqual([]);

    const shopperContext = await browser.newContext();
    await signInContext(shopperContext, shopper);
    const page = await shopperContext.newPage();
    const shopperResponse = await page.goto(`/sales/${sale.id}`);
    // The very same shareable HTML (no cookie set, publicly cacheable) …
    expect(shopperResponse?.headers()["cache-control"]).toMatch(/^public, /);
    expect(shopperResponse?.headers()["set-cookie"]).toBeUndefined();
    // … and the islands still know the shopper: the header and the buy button come from the API.
    await expect(page.getByRole("button", { name: "로그아웃" })).toBeVisible();
    await expect(page.getByRole("link", { name: "마이페이지" })).toBeVisible();
    await expect(page.getByRole("link", { name: "로그인", exact: true })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "지금 구매" })).toBeEnabled();

    await anonymousContext.close();
    await shopperContext.close();
  });

  test("the page turns sold out within 2 s when the last unit goes", async ({ browser, db }) => {
    const sale = await createFlashSale(db, { opensAt: new Date((await appNow()).getTime() - 1_000), quantity: 1 });
    const [buyer, watcher] = [await createUser(db), await createUser(db)];

    const watcherContext = await browser.newContext();
    await signInContext(watcherContext, watcher);
    const watching = await watcherContext.newPage();
    await watching.goto(`/sales/${sale.id}`);
    await expect(watching.getByTestId("sale-phase")).toHaveText("판매 중");
    await expect(watching.getByRole("button", { name: "지금 구매" })).toBeEnabled();

    const buyerContext = await browser.newContext();
    await signInContext(buyerContext, buyer);
    const buying = await buyerContext.newPage();
    await buying.goto(`/sales/${sale.id}`);
    await buying.getByRole("button", { name: "지금 구매" }).click();
    await expect(buying.getByTestId("sale-hold")).toContainText("1개를 확보했습니다");

    // The last unit is held: the watcher's page, loaded from the cache before, must stop offering it within 2 s.
    await expect(watching.getByTestId("sale-remaining")).toHaveText("남은 수량 0 / 1", { timeout: 2_000 });
    await expect(watching.getByTestId("sale-phase")).toHaveText("일시 품절", { timeout: 100 });
    await expect(watching.getByRole("button", { name: "지금 구매" })).toBeDisabled({ timeout: 100 });

    // A fresh load of the public page (cached HTML or not) says the same at once.
    await watching.reload();
    await expect(watching.getByTestId("sale-phase")).toHaveText("일시 품절", { timeout: 2_000 });

    await watcherContext.close();
    await buyerContext.close();
  });
});
