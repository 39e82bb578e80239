import { expect, signInContext, test } from "./fixtures/app";

import { createCategory, createProduct, createUser, uniqueSuffix } from "~/server/testing/factories.ts";

/** Our own category and products, so stock, prices and search results are known whatever else is in the database. */
async function createShelf(db: Parameters<typeof createCategory>[0]) {
  const token = `E2E${uniqueSuffix()}`;
  const category = await createCategory(db);
  const base = Date.now();
  const make = (name: string, price: number, stock: number, index: number) =>
    createProduct(db, { categoryId: category.id, name: `${token} ${name}`, price, stock, createdAt: new Date(base + index * 1000) });
  const mug = await make("머그컵", 12_000, 5, 0);
  const tumbler = await make("텀블러", 25_000, 20, 1);
  const coaster = await make("컵받침", 3_000, 50, 2);
  return { token, category, mug, tumbler, coaster };
}

test("a shopper filters, searches and sorts the catalog, fills the cart and moves a heart into it", async ({ page, context, db }) => {
  const user = await createUser(db);
  const { token, category, mug, tumbler, coaster } = await createShelf(db);
  await signInContext(context, user);

  // Browse: filter by our category (newest first by default). The home page is shared HTML cached for up to 2 s, and
  // this category was written straight to the database (no admin write to drop the cache): it shows within that.
  await expect(async () => {
    await page.goto("/");
    await page.getByLabel("카테고리").selectOption({ label: category.name }, { timeout: 500 });
  }).toPass({ timeout: 10_000 });
  await expect(page).toHaveURL(new RegExp(`category=${category.slug}`));
  const productNames = page.getByRole("list", { name: "상품 목록" }).getByRole("heading", { level: 2 });
  await expect(productNames).toHaveText([coaster.name, tumbler.name, mug.name]);
  await expect(page.getByText("총 3개 상품")).toBeVisible();

  // Search by name within the category.
  await page.getByRole("searchbox", { name: "상품명 검색" }).fill(`${token} 텀블`);
  await page.getByRole("button", { name: "검색", exact: true }).click();
  await expect(page).toHaveURL(/q=/);
  await expect(productNames).toHaveText([tumbler.name]);

  // Sort by price (the search is cleared by going back; the URL holds every choice).
  await page.goBack();
  await expect(productNames).toHaveText([coaster.name, tumbler.name, mug.name]);
  await page.getByLabel("정렬").selectOption({ label: "낮은 가격순" });
  await expect(page).toHaveURL(/sort=price-asc/);
  await expect(productNames).toHaveText([coaster.name, mug.name, tumbler.name]);
  await page.getByLabel("정렬").selectOption({ label: "높은 가격순" });
  await expect(productNames).toHaveText([tumbler.name, mug.name, coaster.name]);

  // Open a product and add two to the cart.
  await page.getByRole("link", { name: mug.name }).click();
  await expect(page.getByRole("heading", { level: 1, name: mug.name })).toBeVisible();
  await expect(page.getByText("남은 수량 5개")).toBeVisible();
  await expect(page.getByText("12,000원").first()).toBeVisible();
  await page.getByRole("button", { name: "수량 늘리기" }).click();
  await expect(page.getByRole("spinbutton", { name: "수량" })).toHaveValue("2");
  await expect(page.getByRole("link", { name: "바로 구매" })).toHaveAttribute("href", `/checkout?productId=${mug.id}&quantity=2`);
  await page.getByRole("button", { name: "장바구니 담기" }).click();
  await expect(page.getByTestId("purchase-status")).toContainText("장바구니에 2개를 담았습니다.");
  const nav = page.getByRole("navigation", { name: "주요 메뉴" });
  await expect(nav.getByTestId("cart-count")).toContainText("1");

  // A second product, from the catalog again.
  await page.goBack();
  await page.getByRole("link", { name: tumbler.name }).click();
  await expect(page.getByRole("heading", { level: 1, name: tumbler.name })).toBeVisible();
  await page.getByRole("button", { name: "장바구니 담기" }).click();
  await expect(page.getByTestId("purchase-status")).toContainText("장바구니에 1개를 담았습니다.");
  await expect(nav.getByTestId("cart-count")).toContainText("2");

  // The cart: server-computed totals, quantity change, deselect, remove.
  await nav.getByRole("link", { name: "장바구니" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "장바구니" })).toBeVisible();
  const mugLine = page.getByRole("listitem", { name: mug.name });
  const tumblerLine = page.getByRole("listitem", { name: tumbler.name });
  const total = page.getByTestId("cart-selected-total");
  await expect(mugLine.getByTestId("cart-line-total")).toHaveText("24,000원");
  await expect(total).toHaveText("49,000원");

  await tumblerLine.getByRole("button", { name: `${tumbler.name} 수량 늘리기` }).click();
  await expect(tumblerLine.getByRole("spinbutton", { name: `${tumbler.name} 수량` })).toHaveValue("2");
  await expect(total).toHaveText("74,000원");

  await mugLine.getByRole("checkbox", { name: `${mug.name} 선택` }).uncheck();
  await expect(total).toHaveText("50,000원");
  await expect(page.getByRole("checkbox", { name: /전체 선택/ })).not.toBeChecked();

  await tumblerLine.getByRole("button", { name: `${tumbler.name} 삭제` }).click();
  await expect(tumblerLine).toHaveCount(0);
  await expect(total).toHaveText("0원");
  await expect(page.getByRole("button", { name: "주문하기" })).toBeDisabled();
  await mugLine.getByRole("checkbox", { name: `${mug.name} 선택` }).check();
  await expect(total).toHaveText("24,000원");
  await expect(page.getByRole("link", { name: "주문하기" })).toHaveAttribute("href", "/checkout?from=cart");

  // Wishlist: heart a card in the catalog, then move it to the cart from the wishlist page.
  await page.goto(`/?category=${category.slug}`);
  const heart = page.getByRole("button", { name: `${coaster.name} 찜하기` });
  await expect(heart).toHaveAttribute("aria-pressed", "false");
  await heart.click();
  await expect(heart).toHaveAttribute("aria-pressed", "true");

  await nav.getByRole("link", { name: "찜" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "찜 목록" })).toBeVisible();
  const hearted = page.getByRole("list", { name: "찜한 상품" }).getByRole("listitem", { name: coaster.name });
  await expect(hearted).toBeVisible();
  await hearted.getByRole("button", { name: `${coaster.name} 장바구니로 이동` }).click();
  await expect(page.getByTestId("wishlist-status")).toContainText("장바구니로 옮겼습니다");
  await expect(page.getByText("찜한 상품이 없습니다.")).toBeVisible();

  await nav.getByRole("link", { name: "장바구니" }).click();
  await expect(page.getByRole("listitem", { name: coaster.name }).getByRole("spinbutton", { name: `${coaster.name} 수량` })).toHaveValue("1");
  await expect(total).toHaveText("27,000원");
});

test("signed-out shoppers are sent to log in and come back", async ({ page, db }) => {
  const { mug } = await createShelf(db);

  await page.goto("/cart");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fcart/);
  await page.goto("/wishlist");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fwishlist/);

  await page.goto(`/products/${mug.id}`);
  await page.getByRole("button", { name: "장바구니 담기" }).click();
  await expect(page).toHaveURL(new RegExp(`/login\\?callbackUrl=%2Fproducts%2F${mug.id}`));

  await page.goto(`/products/${mug.id}`);
  await page.getByRole("button", { name: `${mug.name} 찜하기` }).click();
  await expect(page).toHaveURL(/\/login\?callbackUrl=/);
});
