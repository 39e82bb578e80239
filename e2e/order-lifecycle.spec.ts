import type { Page } from "@playwright/test";

import { advanceAppClock, expect, signInContext, test } from "./fixtures/app";

import { createAddress, createProduct, createUser, uniqueSuffix } from "~/server/testing/factories.ts";

const HOUR = 3_600_000;

/** Buy now and pay through the UI; leaves the page on the order's detail. */
async function buyAndPay(page: Page, product: { id: number; price: number }) {
  await page.goto(`/checkout?productId=${product.id}&quantity=1`);
  const amount = `${product.price.toLocaleString("ko-KR")}원`;
  await page.getByRole("button", { name: `${amount} 주문하기` }).click();
  await page.getByRole("button", { name: `${amount} 결제하기` }).click();
  await expect(page.getByTestId("order-status")).toHaveText("결제 완료");
  return page.url().split("/").at(-1)!;
}

/** The app runs due work every second (DUE_WORK_INTERVAL_MS=1000); reload until the status has moved. */
async function expectStatusSoon(page: Page, label: string) {
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("order-status")).toHaveText(label, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
}

test("cancelling a paid order refunds it and puts the stock back", async ({ page, context, db }) => {
  const user = await createUser(db);
  await createAddress(db, user.id);
  const product = await createProduct(db, { name: `E2E${uniqueSuffix()} 블루투스 스피커`, price: 64_000, stock: 2 });
  await signInContext(context, user);

  await buyAndPay(page, product);
  expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(1);

  await page.getByRole("button", { name: "주문 취소" }).click();
  await page.getByRole("button", { name: "주문 취소 확정" }).click();

  await expect(page.getByTestId("order-status")).toHaveText("주문 취소");
  await expect(page.getByTestId("order-refund")).toHaveText("64,000원 환불 완료");
  await expect(page.getByRole("button", { name: "주문 취소" })).toHaveCount(0);
  expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(2);
});

test("a paid order ships, is delivered, and a return is requested and completed as the clock moves", async ({ page, context, db }) => {
  const user = await createUser(db);
  await createAddress(db, user.id);
  const product = await createProduct(db, { name: `E2E${uniqueSuffix()} 캠핑 랜턴`, price: 38_000, stock: 3 });
  await signInContext(context, user);

  await buyAndPay(page, product);
  await expect(page.getByText(/배송 시작 예정/)).toBeVisible();

  await advanceAppClock(24 * HOUR + 60_000);
  await expectStatusSoon(page, "배송중");
  await expect(page.getByRole("button", { name: "주문 취소" })).toHaveCount(0);

  await advanceAppClock(24 * HOUR);
  await expectStatusSoon(page, "배송 완료");
  await expect(page.getByText(/반품 신청 기한/)).toBeVisible();

  await page.getByRole("button", { name: "반품 신청" }).click();
  await page.getByRole("button", { name: "반품 신청 확정" }).click();
  await expect(page.getByTestId("order-status")).toHaveText("반품 요청");
  expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(2);

  await advanceAppClock(24 * HOUR + 60_000);
  await expectStatusSoon(page, "반품 완료");
  await expect(page.getByTestId("order-refund")).toHaveText("38,000원 환불 완료");
  const steps = page.getByRole("list", { name: "진행 내역" }).getByTestId("timeline-step");
  await expect(steps.first()).toContainText("주문 접수");
  await expect(page.getByRole("list", { name: "진행 내역" })).toContainText("반품 완료");
  expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(3);
});
