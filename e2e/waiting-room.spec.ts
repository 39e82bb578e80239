// The fixtures load .env.local, so they must be imported before anything that reads the environment.
import { advanceAppClock, appNow, expect, signInContext, test } from "./fixtures/app";

import type { BrowserContext } from "@playwright/test";

import { formatSeoulTimeWithSeconds } from "~/app/_lib/format.ts";
import { createAddress, createFlashSale, createProduct, createUser } from "~/server/testing/factories.ts";

/** "2026-11-24T15:05" in Seoul wall time, as a datetime-local input takes it. */
function seoulLocal(date: Date) {
  return new Date(date.getTime() + 9 * 3600_000).toISOString().slice(0, 16);
}

/** How many sale.queueJoin calls any page of a context sends (a batched request can carry several). */
function countQueueJoinCalls(context: BrowserContext) {
  const counter = { calls: 0 };
  context.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith("/api/trpc/")) counter.calls += path.split(",").filter((name) => name.endsWith("sale.queueJoin")).length;
  });
  return counter;
}

test("waiting room: an admin schedules a queued sale, two shoppers line up, the first buys, the second is told the unit is held (may come back), then that it sold out", async ({ browser, db }) => {
  // Three browser contexts and several clock moves: 20–26 s on a busy 2-core machine, close to the 30 s default.
  test.slow();
  const admin = await createUser(db, { role: "ADMIN" });
  const [first, second] = [await createUser(db), await createUser(db)];
  await createAddress(db, first.id, { isDefault: true });
  const product = await createProduct(db, { name: `대기열 한정 상품 ${Date.now()}`, price: 120_000, stock: 0 });

  // The admin schedules the sale in the dashboard: one unit, waiting room on, FIFO, admission from stock (100%).
  const adminContext = await browser.newContext();
  await signInContext(adminContext, admin);
  const adminPage = await adminContext.newPage();
  await adminPage.goto(`/admin/sales/new?productId=${product.id}`);
  await expect(adminPage.getByTestId("sale-product-lookup")).toHaveText(`선택한 상품: ${product.name}`);
  const opensAt = new Date(Math.ceil(((await appNow()).getTime() + 61_000) / 60_000) * 60_000);
  await adminPage.getByLabel("세일가(원)").fill("99000");
  await adminPage.getByLabel("수량", { exact: true }).fill("1");
  await adminPage.getByLabel("시작 시각 (한국 시간)").fill(seoulLocal(opensAt));
  await adminPage.getByLabel("대기열 사용").check();
  await adminPage.getByLabel("공정성 방식").selectOption("FIFO");
  await adminPage.getByRole("radio", { name: "재고 기준 자동" }).check();
  await adminPage.getByLabel("초과 입장 비율(%)").fill("100");
  await adminPage.getByRole("button", { name: "세일 예약" }).click();
  await expect(adminPage.getByTestId("monitor-remaining")).toHaveText("1");
  const saleId = Number(adminPage.url().match(/\/admin\/sales\/(\d+)/)![1]);

  // Two shoppers join before the open time and see their places.
  const shoppers = [];
  for (const shopper of [first, second]) {
    const context = await browser.newContext();
    await signInContext(context, shopper);
    const page = await context.newPage();
    await page.goto(`/sales/${saleId}`);
    await expect(page.getByTestId("queue-fairness")).toHaveText("먼저 줄 선 순서대로 입장합니다.");
    await page.getByRole("button", { name: "대기열에 줄 서기" }).click();
    shoppers.push({ context, page });
  }
  const [firstPage, secondPage] = shoppers.map((shopper) => shopper.page) as [typeof adminPage, typeof adminPage];
  await expect(firstPage.getByTestId("queue-position")).toHaveText("1");
  await expect(secondPage.getByTestId("queue-position")).toHaveText("2");
  await expect(secondPage.getByTestId("queue-chance")).toContainText("남은 1개를 앞선 1명과");
  await expect(adminPage.getByTestId("monitor-queue-length")).toHaveText("2");

  // Open: the first in line is admitted (one unit, 100%), the second keeps waiting with nobody ahead.
  await advanceAppClock(opensAt.getTime() - (await appNow()).getTime() + 1_000);
  await expect(firstPage.getByTestId("queue-admitted")).toContainText("입장했습니다!");
  await expect(secondPage.getByTestId("queue-ahead")).toHaveText("0명");
  await expect(secondPage.getByRole("button", { name: "지금 구매" })).toBeDisabled();

  await firstPage.getByRole("button", { name: "지금 구매" }).click();
  await expect(firstPage.getByTestId("sale-hold")).toBeVisible();
  await expect(adminPage.getByTestId("monitor-held")).toHaveText("1");

  // The one unit is held, not paid: the second shopper is told it may come back (and when), never "sold out".
  const hold = await db.order.findFirstOrThrow({ where: { saleId, userId: first.id }, select: { paymentDueAt: true } });
  await expect(secondPage.getByTestId("sale-phase")).toHaveText("일시 품절");
  await expect(secondPage.getByTestId("sale-all-held")).toHaveText(
    `지금은 남은 수량이 없지만 1개가 결제 대기 중입니다. ${formatSeoulTimeWithSeconds(hold.paymentDueAt)}에 결제 기한이 끝나는 수량이 다시 풀릴 수 있습니다.`,
  );
  await expect(secondPage.getByTestId("queue-units-left")).toHaveText("0(결제 대기 1개)");
  await expect(secondPage.getByTestId("queue-all-held")).toHaveText(`1개 결제 대기 · ${formatSeoulTimeWithSeconds(hold.paymentDueAt)} 이후 풀릴 수 있음`);
  await expect(secondPage.getByTestId("sale-sold-out")).toHaveCount(0);
  await expect(secondPage.getByTestId("queue-sold-out")).toHaveCount(0);

  await firstPage.getByRole("link", { name: "결제하러 가기" }).click();
  await firstPage.getByRole("button", { name: "99,000원 결제하기" }).click();
  await expect(firstPage.getByTestId("order-status")).toHaveText("결제 완료");

  // The admin watches the counts change; the second shopper is told, without reloading, that it is sold out.
  await expect(adminPage.getByTestId("monitor-sold")).toHaveText("1");
  await expect(adminPage.getByTestId("monitor-remaining")).toHaveText("0");
  await expect(adminPage.getByTestId("monitor-invariant")).toHaveText("1 + 0 + 0 = 1 / 1");
  await expect(secondPage.getByTestId("queue-sold-out")).toHaveText("모두 판매되어 대기열이 마감되었습니다.");
  await expect(secondPage.getByTestId("sale-phase")).toHaveText("품절");
  await expect(secondPage.getByTestId("sale-sold-out")).toHaveText("아쉽게도 모두 판매되었습니다.");
  await expect(secondPage.getByTestId("sale-all-held")).toHaveCount(0);

  // The post-sale report proves it, and exports.
  await adminPage.getByRole("link", { name: "판매 보고서" }).click();
  await expect(adminPage.getByTestId("report-sold")).toHaveText("1");
  await expect(adminPage.getByTestId("report-oversold")).toContainText("초과 판매 없음");
  const download = adminPage.waitForEvent("download");
  await adminPage.getByRole("button", { name: "CSV 내보내기" }).click();
  expect((await download).suggestedFilename()).toMatch(/\.csv$/);

  for (const shopper of shoppers) await shopper.context.close();
  await adminContext.close();
});

test("waiting room: a place in line belongs to the account, so a reload, a second tab and a new sign-in show it without joining again", async ({ browser, db }) => {
  const opensAt = new Date((await appNow()).getTime() + 60_000);
  const sale = await createFlashSale(db, { opensAt, quantity: 1, waitingRoomEnabled: true, fairnessMode: "FIFO", admissionMode: "AUTO", overbookingPercent: 100 });
  const [shopper, other] = [await createUser(db), await createUser(db)];

  // Someone who has not joined is offered the join button: asking for the state never takes a place.
  const otherContext = await browser.newContext();
  await signInContext(otherContext, other);
  const otherPage = await otherContext.newPage();
  await otherPage.goto(`/sales/${sale.id}`);
  await expect(otherPage.getByRole("button", { name: "대기열에 줄 서기" })).toBeVisible();
  await otherContext.close();

  const context = await browser.newContext();
  await signInContext(context, shopper);
  const page = await context.newPage();
  await page.goto(`/sales/${sale.id}`);
  await page.getByRole("button", { name: "대기열에 줄 서기" }).click();
  // First, not second: the other shopper's page asked for its state and was not put in line by it.
  await expect(page.getByTestId("queue-position")).toHaveText("1");

  const joinCalls = countQueueJoinCalls(context);
  await page.reload();
  await expect(page.getByTestId("queue-position")).toHaveText("1");
  await expect(page.getByRole("button", { name: "대기열에 줄 서기" })).toHaveCount(0);

  const secondTab = await context.newPage();
  await secondTab.goto(`/sales/${sale.id}`);
  await expect(secondTab.getByTestId("queue-position")).toHaveText("1");
  await expect(secondTab.getByRole("button", { name: "대기열에 줄 서기" })).toHaveCount(0);
  await secondTab.close();

  const freshLogin = await browser.newContext();
  const freshJoinCalls = countQueueJoinCalls(freshLogin);
  await signInContext(freshLogin, shopper);
  const freshPage = await freshLogin.newPage();
  await freshPage.goto(`/sales/${sale.id}`);
  await expect(freshPage.getByTestId("queue-position")).toHaveText("1");
  await expect(freshPage.getByRole("button", { name: "대기열에 줄 서기" })).toHaveCount(0);
  await freshLogin.close();

  // Admission survives a reload too: the page asks again and gets its pass back, so the buy button works.
  await advanceAppClock(opensAt.getTime() - (await appNow()).getTime() + 1_000);
  await expect(page.getByTestId("queue-admitted")).toContainText("입장했습니다!");
  await page.reload();
  await expect(page.getByTestId("queue-admitted")).toContainText("입장했습니다!");
  await expect(page.getByRole("button", { name: "지금 구매" })).toBeEnabled();

  expect(joinCalls.calls + freshJoinCalls.calls).toBe(0);
  await context.close();
});
