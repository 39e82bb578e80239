// The fixtures load .env.local, so they must be imported before anything that reads the environment.
import { advanceAppClock, appNow, E2E_BASE_URL, expect, readLatestMail, signInContext, snapshot, test } from "./fixtures/app";

import { createFlashSale, createProduct, createUser } from "~/server/testing/factories.ts";

// The e2e server runs with the default SALE_REMINDER_LEAD_MINUTES.
const REMINDER_LEAD_MS = 10 * 60_000;

/** Moves the app's clock (and with it the due-work runner's) to `target` plus a margin, never backwards. */
async function moveAppClockTo(target: number) {
  const now = (await appNow()).getTime();
  if (target > now) await advanceAppClock(target - now);
}

/**
 * Issue 14's "done when", on a phone (390×844): the reminder mail arrives before the open, its link opens the sale
 * page, the buyer picks an address ahead of time, lines up, is admitted at the open, buys, and pays with one tap.
 * Time moves by the app's test clock, never by waiting. `UPDATE_SCREENSHOTS=1` refreshes e2e/screenshots/drop-*.png.
 */
test("drop day on a phone: reminder mail → sale page → ready → join → admitted → one-tap pay → confirmation", async ({ page, context, db }) => {
  // Two clock moves that each wait for the in-process due-work runner, plus a production page per step.
  test.slow();
  const opensAt = new Date(Math.ceil(((await appNow()).getTime() + REMINDER_LEAD_MS + 2 * 60_000) / 1_000) * 1_000);
  const product = await createProduct(db, { name: `드롭 데이 스니커즈 ${Date.now().toString(36)}`, price: 159_000, stock: 0, imageUrl: "/images/products/limited-retro-sneakers.svg" });
  const sale = await createFlashSale(db, {
    opensAt,
    productId: product.id,
    quantity: 1,
    salePrice: 79_000,
    waitingRoomEnabled: true,
    fairnessMode: "FIFO",
    admissionMode: "AUTO",
    overbookingPercent: 100,
  });
  // A new buyer with no saved address: everything is set up from the phone.
  const buyer = await createUser(db);
  await signInContext(context, buyer);

  // The day before: the buyer asks to be told. Twelve minutes out is earlier than the reminder's lead: no mail yet.
  await page.goto(`/sales/${sale.id}`);
  await page.getByRole("button", { name: "오픈 알림 받기" }).click();
  await expect(page.getByRole("button", { name: /오픈 알림을 신청했습니다/ })).toHaveAttribute("aria-pressed", "true");
  expect(await db.emailMessage.count({ where: { toAddress: buyer.email } })).toBe(0);

  // Ten minutes before the open the due-work runner mails the reminder.
  await moveAppClockTo(opensAt.getTime() - REMINDER_LEAD_MS + 1_000);
  await expect.poll(() => db.emailMessage.count({ where: { toAddress: buyer.email, template: "sale-reminder" } })).toBe(1);
  const mail = await readLatestMail(page, buyer.email);
  expect(mail).toContain(`${product.name} 선착순 판매가`);
  expect(mail).toContain("10분 후");
  // The HTML part fits the phone: neither the mailbox page nor the mail itself scrolls sideways.
  const overflowPx = () => document.documentElement.scrollWidth - document.documentElement.clientWidth;
  const mailFrame = await page.getByTitle("메일 HTML 미리보기").elementHandle().then((handle) => handle?.contentFrame());
  expect(await page.evaluate(overflowPx)).toBeLessThanOrEqual(0);
  expect(await mailFrame!.evaluate(overflowPx)).toBeLessThanOrEqual(0);
  await snapshot(page, "drop-1-reminder-mail");

  // The mail's link is the sale page.
  const saleUrl = /세일 페이지: (\S+)/.exec(mail)?.[1];
  expect(saleUrl).toBe(`${E2E_BASE_URL}/sales/${sale.id}`);
  await page.goto(saleUrl!);

  // Ready before the drop: the payment method is shown, and an address added here becomes this sale's choice.
  const readiness = page.getByRole("region", { name: "결제 미리 준비하기" });
  await expect(readiness.getByTestId("readiness-payment-method")).toHaveText("카드 결제");
  await expect(readiness.getByTestId("readiness-status")).toHaveText("아직 배송지를 고르지 않았습니다. 오픈 전에 골라 두세요.");
  await readiness.getByRole("button", { name: "새 배송지 추가" }).click();
  const form = readiness.getByRole("form", { name: "새 배송지 추가" });
  await form.getByLabel("배송지 이름").fill("회사");
  await form.getByLabel("받는 분").fill("김드롭");
  await form.getByLabel("연락처").fill("010-2345-6789");
  await form.getByLabel("우편번호").fill("04524");
  await form.getByLabel("주소", { exact: true }).fill("서울특별시 중구 세종대로 110");
  await form.getByRole("button", { name: "배송지 저장" }).click();
  await expect(readiness.getByTestId("readiness-status")).toHaveText("준비 완료: 구매에 성공하면 '회사'(으)로 배송됩니다.");
  await expect(readiness.getByRole("radio", { name: /회사/ })).toBeChecked();
  const saved = await db.address.findFirstOrThrow({ where: { userId: buyer.id }, select: { id: true } });
  expect(await db.saleReadiness.findUnique({ where: { saleId_userId: { saleId: sale.id, userId: buyer.id } }, select: { addressId: true } })).toEqual({ addressId: saved.id });
  await snapshot(page, "drop-2-ready");

  // Line up before the open.
  await page.getByRole("button", { name: "대기열에 줄 서기" }).click();
  await expect(page.getByTestId("queue-position")).toHaveText("1");
  await snapshot(page, "drop-3-in-line");

  // The open: first in line for the one unit, so admitted; the buy bar's button is enabled.
  await moveAppClockTo(opensAt.getTime() + 1_000);
  await expect(page.getByTestId("queue-admitted")).toContainText("입장했습니다!");
  const bar = page.getByTestId("buy-bar");
  const buy = bar.getByRole("button", { name: "지금 구매" });
  await expect(buy).toBeEnabled();
  // The readiness island is a before-the-drop thing: gone once the sale is on.
  await expect(readiness).toHaveCount(0);
  await snapshot(page, "drop-4-admitted");

  await buy.click();
  const payLink = bar.getByRole("link", { name: "결제하러 가기" });
  await expect(payLink).toBeVisible();
  await snapshot(page, "drop-5-held");

  // The pay page asks nothing: the address picked before the drop is selected, the card is the method. One tap.
  await payLink.click();
  await expect(page.getByRole("heading", { level: 1, name: "결제하기" })).toBeVisible();
  await expect(page.getByTestId("pay-items")).toContainText(product.name);
  await expect(page.getByTestId("pay-prepared")).toHaveText("오픈 전에 골라 둔 배송지가 선택되어 있습니다.");
  await expect(page.getByRole("radio", { name: /회사/ })).toBeChecked();
  await expect(page.getByTestId("pay-method")).toHaveText("카드 결제");
  await snapshot(page, "drop-6-pay");
  await page.getByRole("button", { name: "79,000원 결제하기" }).click();

  await expect(page).toHaveURL(/\/account\/orders\/[a-z0-9]+\?paid=1$/);
  await expect(page.getByTestId("paid-banner")).toContainText("결제가 완료되었습니다");
  await expect(page.getByTestId("order-status")).toHaveText("결제 완료");
  await expect(page.getByRole("region", { name: "배송지" })).toContainText("김드롭");
  await snapshot(page, "drop-7-paid");

  // One "오픈 알림" in all: the open itself sent no second mail.
  expect(await db.emailMessage.count({ where: { toAddress: buyer.email, template: { in: ["sale-reminder", "sale-opened"] } } })).toBe(1);
});
