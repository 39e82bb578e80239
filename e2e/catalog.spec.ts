import { expect, test } from "@playwright/test";

test("a shopper opens the shop, pages through products and opens one", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "전체 상품" })).toBeVisible();
  await expect(page.getByText(/총 \d+개 상품/)).toBeVisible();

  const pagination = page.getByRole("navigation", { name: "페이지 이동" });
  await expect(pagination.getByRole("link", { name: "1", exact: true })).toHaveAttribute("aria-current", "page");
  const firstPageNames = await page.getByRole("list", { name: "상품 목록" }).getByRole("heading", { level: 2 }).allTextContents();
  expect(firstPageNames).toHaveLength(12);

  await pagination.getByRole("link", { name: "다음" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(pagination.getByRole("link", { name: "2", exact: true })).toHaveAttribute("aria-current", "page");
  const secondPageNames = await page.getByRole("list", { name: "상품 목록" }).getByRole("heading", { level: 2 }).allTextContents();
  expect(secondPageNames.length).toBeGreaterThan(0);
  expect(secondPageNames.filter((name) => firstPageNames.includes(name))).toEqual([]);

  const productName = secondPageNames[0]!;
  await page.getByRole("link", { name: new RegExp(productName) }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: productName })).toBeVisible();
  await expect(page.getByText(/원$/).first()).toBeVisible();
  await expect(page.getByRole("heading", { name: "상품 설명" })).toBeVisible();
});

test("an unknown product shows the 404 page", async ({ page }) => {
  const response = await page.goto("/products/999999");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("link", { name: /홈|전체 상품/ }).first()).toBeVisible();
});
