// The fixtures load .env.local, so they must be imported before anything that reads the environment.
import { advanceAppClock, appNow, expect, signInContext, snapshot, test } from "./fixtures/app";

import type { Page } from "@playwright/test";

import { createAddress, createFlashSale, createProduct, createUser } from "~/server/testing/factories.ts";

// Drop day on a phone (the "mobile" project: 390×844). `UPDATE_SCREENSHOTS=1` also refreshes the committed
// screenshots in e2e/screenshots/ (see snapshot() in the fixtures). The whole path from the reminder mail to the paid
// order is e2e/drop-day.mobile.spec.ts.

/** Whether an element lies entirely inside the 390×844 screen as it is scrolled now. */
async function isInViewport(page: Page, testId: string) {
  const box = await page.getByTestId(testId).boundingBox();
  const viewport = page.viewportSize()!;
  return box !== null && box.y >= 0 && box.y + box.height <= viewport.height && box.x >= 0 && box.x + box.width <= viewport.width;
}

/** How many sale.reserve calls left the page (a batched request can carry several: "sale.reserve,sale.reserve"). */
function countReserveCalls(page: Page) {
  const counter = { calls: 0 };
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith("/api/trpc/")) counter.calls += path.split(",").filter((name) => name.endsWith("sale.reserve")).length;
  });
  return counter;
}

test("the header fits a phone: one-line logo and links, a menu button with a drawer, and a skip link", async ({ page }) => {
  await page.goto("/");
  const header = page.getByRole("banner");
  const logo = header.getByRole("link", { name: "FlashMart 홈" });
  // One line: the logo is as tall as its 32 px mark, not three wrapped lines.
  expect((await logo.boundingBox())!.height).toBeLessThanOrEqual(40);

  const menuButton = header.getByRole("button", { name: "메뉴" });
  await expect(menuButton).toHaveAttribute("aria-expanded", "false");
  // While closed the drawer is display:none, so it is looked up among hidden elements too.
  const nav = page.getByRole("navigation", { name: "주요 메뉴", includeHidden: true });
  await expect(menuButton).toHaveAttribute("aria-controls", (await nav.getAttribute("id"))!);
  await expect(nav).toBeHidden();
  await snapshot(page, "mobile-home");

  await menuButton.click();
  await expect(menuButton).toHaveAttribute("aria-expanded", "true");
  await expect(nav).toBeVisible();
  for (const name of ["전체 상품", "찜", "장바구니", "회원가입", "로그인"]) {
    const link = nav.getByRole("link", { name, exact: true });
    await expect(link).toBeVisible();
    // Never one syllable per line: every label is a single line of text.
    expect((await link.boundingBox())!.height, name).toBeLessThanOrEqual(48);
  }
  await snapshot(page, "mobile-menu");

  await page.keyboard.press("Escape");
  await expect(nav).toBeHidden();
  await expect(menuButton).toBeFocused();

  // Following a link closes the drawer.
  await menuButton.click();
  await nav.getByRole("link", { name: "로그인", exact: true }).click();
  await expect(page).toHaveURL(/\/login/);
  await expect(nav).toBeHidden();

  // The skip link is the first stop and lands on the main content.
  await page.goto("/");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "본문으로 건너뛰기" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();
});

test("drop day on a phone: the buy bar is on screen before and at the open, one press is one reservation, then pay", async ({ page, context, db }) => {
  const opensAt = new Date((await appNow()).getTime() + 15_000);
  const product = await createProduct(db, { name: `모바일 한정 스니커즈 ${Date.now().toString(36)}`, price: 129_000, stock: 0, imageUrl: "/images/products/limited-retro-sneakers.svg" });
  // A one-minute hold: the deadline and the countdown must show seconds.
  const sale = await createFlashSale(db, { opensAt, productId: product.id, quantity: 3, salePrice: 59_000, holdMinutes: 1 });
  const buyer = await createUser(db);
  await createAddress(db, buyer.id, { label: "우리집", recipient: "김모바일" });
  await signInContext(context, buyer);
  const reserveCalls = countReserveCalls(page);

  await page.goto(`/sales/${sale.id}`);
  const bar = page.getByTestId("buy-bar");
  await expect(bar).toBeVisible();
  expect(await isInViewport(page, "buy-bar")).toBe(true);
  await expect(bar.getByRole("timer", { name: "오픈까지 남은 시간" })).toHaveText(/^00:[01]\d$/);
  await expect(bar.getByRole("button", { name: "아직 오픈 전입니다" })).toBeDisabled();
  // The desktop copies of the countdown and the button are not displayed at this width.
  await expect(page.getByTestId("sale-countdown")).toBeHidden();
  await snapshot(page, "mobile-sale-upcoming");

  // Still there after scrolling to the description.
  await page.getByText("테스트용 상품입니다.").scrollIntoViewIfNeeded();
  expect(await isInViewport(page, "buy-bar")).toBe(true);

  await advanceAppClock(15_000);
  const buy = bar.getByRole("button", { name: "지금 구매" });
  await expect(buy).toBeEnabled();
  await expect(page.getByTestId("buy-bar-phase")).toHaveText("판매 중");
  await snapshot(page, "mobile-sale-open");

  // A double tap whose second press lands before React has re-rendered the button as disabled (both clicks in one
  // task, as a fast double tap can): only the handler's own guard can stop the second request.
  const answered = page.waitForResponse((response) => response.url().includes("sale.reserve"));
  await buy.evaluate((button: HTMLButtonElement) => {
    button.click();
    button.click();
  });
  await answered;
  await expect(bar.getByRole("link", { name: "결제하러 가기" })).toBeVisible();
  expect(reserveCalls.calls).toBe(1);
  // The winner reads only the win: no "limit reached" beside it.
  await expect(page.getByTestId("buy-bar-notice")).toHaveCount(0);
  await expect(page.getByTestId("sale-hold")).toContainText(/\d{2}:\d{2}:\d{2}까지 결제해 주세요/);
  await expect(bar.getByRole("timer", { name: "결제 남은 시간" })).toHaveText(/^00:[0-5]\d$/);
  expect(await db.order.count({ where: { saleId: sale.id } })).toBe(1);
  await snapshot(page, "mobile-sale-held");

  // The pay page: what was won, a labelled countdown with seconds, then a clear confirmation.
  await bar.getByRole("link", { name: "결제하러 가기" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "결제하기" })).toBeVisible();
  await expect(page.getByTestId("pay-items")).toContainText(product.name);
  await expect(page.getByTestId("pay-items")).toContainText("59,000원 × 1");
  await expect(page.getByRole("timer", { name: "결제 남은 시간" })).toHaveText(/^00:[0-5]\d$/);
  await expect(page.getByRole("radio", { name: /우리집/ })).toBeChecked();
  await snapshot(page, "mobile-pay");

  await page.getByRole("button", { name: "59,000원 결제하기" }).click();
  await expect(page).toHaveURL(/\/account\/orders\/[a-z0-9]+\?paid=1$/);
  await expect(page.getByTestId("paid-banner")).toContainText("결제가 완료되었습니다");
  await expect(page.getByTestId("order-status")).toHaveText("결제 완료");
  await snapshot(page, "mobile-paid");
  expect(reserveCalls.calls).toBe(1);
});

test("quantities are never changed silently: the product page says what it did, checkout refuses", async ({ page, context, db }) => {
  const product = await createProduct(db, { price: 12_000, stock: 5 });
  await signInContext(context, await createUser(db));

  await page.goto(`/products/${product.id}?quantity=abc`);
  await expect(page.getByTestId("quantity-message")).toHaveText("요청한 수량이 올바르지 않아 1개로 표시했습니다. 구매 전에 수량을 확인해 주세요.");
  await expect(page.getByRole("spinbutton", { name: "수량" })).toHaveValue("1");

  await page.goto(`/products/${product.id}?quantity=99`);
  await expect(page.getByTestId("quantity-message")).toContainText("요청한 99개는 한 번에 살 수 있는 최대 수량(5개)보다 많아 5개로 표시했습니다.");
  await expect(page.getByRole("spinbutton", { name: "수량" })).toHaveValue("5");
  await expect(page.getByRole("link", { name: "바로 구매" })).toHaveAttribute("href", `/checkout?productId=${product.id}&quantity=5`);

  // Typing: out of range is corrected with a message, nonsense is refused with one.
  const input = page.getByRole("spinbutton", { name: "수량" });
  await input.fill("3");
  await input.press("Enter");
  await expect(page.getByTestId("quantity-message")).toHaveCount(0);
  await input.fill("0");
  await input.press("Enter");
  await expect(page.getByTestId("quantity-message")).toHaveText("수량은 1 이상의 숫자로 입력해 주세요. 이전 수량으로 되돌렸습니다.");
  await expect(input).toHaveValue("3");

  await page.goto(`/checkout?productId=${product.id}&quantity=abc`);
  await expect(page.getByTestId("checkout-error")).toHaveText(/주문 수량이 올바르지 않습니다/);
  await expect(page.getByRole("link", { name: "상품으로 돌아가기" })).toBeVisible();
});

test("forms speak Korean under the fields, never with browser pop-ups", async ({ page, context, db }) => {
  await page.goto("/login");
  await page.getByRole("button", { name: "로그인", exact: true }).click();
  const email = page.getByLabel("이메일", { exact: true });
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("올바른 이메일 주소를 입력해 주세요.")).toBeVisible();
  await expect(page.getByText("비밀번호를 입력해 주세요.")).toBeVisible();
  // The browser's own validation never ran: the field is "valid" as far as it knows, and nothing was posted.
  expect(await email.evaluate((element: HTMLInputElement) => element.form?.noValidate)).toBe(true);
  await email.fill("not-an-email");
  await page.getByRole("button", { name: "로그인", exact: true }).click();
  await expect(page.getByText("올바른 이메일 주소를 입력해 주세요.")).toBeVisible();
  await snapshot(page, "mobile-login-errors");

  // The checkout's "new address" form.
  const buyer = await createUser(db);
  await signInContext(context, buyer);
  const product = await createProduct(db, { price: 9_000, stock: 3 });
  await page.goto(`/checkout?productId=${product.id}&quantity=1`);
  await page.getByRole("button", { name: "새 배송지 추가" }).click();
  const form = page.getByRole("form", { name: "새 배송지 추가" });
  await form.getByLabel("우편번호").fill("12");
  await form.getByRole("button", { name: "배송지 저장" }).click();
  await expect(form.getByText("배송지 이름을(를) 입력해 주세요.")).toBeVisible();
  await expect(form.getByText("우편번호 5자리를 입력해 주세요.")).toBeVisible();
  expect(await db.address.count({ where: { userId: buyer.id } })).toBe(0);
});
