import { expect, signInContext, test } from "./fixtures/app";
import { resetPaymentSandboxConfig, setPaymentSandbox } from "./fixtures/payment-sandbox";

import { createAddress, createCategory, createProduct, createUser, uniqueSuffix } from "~/server/testing/factories.ts";

test.afterEach(async () => {
  await resetPaymentSandboxConfig();
});

test("a shopper fills the cart, checks out with the default address and pays", async ({ page, context, db }) => {
  const user = await createUser(db);
  await createAddress(db, user.id, { label: "우리집", recipient: "김배송" });
  await createAddress(db, user.id, { label: "회사", isDefault: false });
  const token = `E2E${uniqueSuffix()}`;
  const category = await createCategory(db);
  const lamp = await createProduct(db, { categoryId: category.id, name: `${token} 스탠드 조명`, price: 30_000, stock: 8 });
  const vase = await createProduct(db, { categoryId: category.id, name: `${token} 도자기 화병`, price: 12_500, stock: 4 });
  await signInContext(context, user);

  // Browse and add two products.
  await page.goto(`/?category=${category.slug}`);
  for (const product of [lamp, vase]) {
    await page.getByRole("link", { name: product.name }).click();
    await expect(page.getByRole("heading", { level: 1, name: product.name })).toBeVisible();
    await page.getByRole("button", { name: "장바구니 담기" }).click();
    await expect(page.getByTestId("purchase-status")).toContainText("장바구니에");
    await page.goBack();
  }

  // Change a quantity in the cart, then check out the ticked lines.
  await page.getByRole("navigation", { name: "주요 메뉴" }).getByRole("link", { name: "장바구니" }).click();
  const vaseLine = page.getByRole("listitem", { name: vase.name });
  await vaseLine.getByRole("button", { name: `${vase.name} 수량 늘리기` }).click();
  await expect(page.getByTestId("cart-selected-total")).toHaveText("55,000원");
  await page.getByRole("link", { name: "주문하기" }).click();

  await expect(page.getByRole("heading", { level: 1, name: "주문/결제" })).toBeVisible();
  await expect(page.getByTestId("checkout-line")).toHaveCount(2);
  await expect(page.getByRole("radio", { name: /우리집/ })).toBeChecked();
  await expect(page.getByTestId("checkout-total")).toHaveText("55,000원");
  await page.getByRole("button", { name: "55,000원 주문하기" }).click();

  // The pay page: amount and a running deadline.
  await expect(page).toHaveURL(/\/orders\/[a-z0-9]+\/pay$/);
  await expect(page.getByRole("heading", { level: 1, name: "결제하기" })).toBeVisible();
  await expect(page.getByTestId("pay-amount")).toHaveText("55,000원");
  await expect(page.getByRole("timer", { name: "결제 남은 시간" })).toHaveText(/^\d{2}:\d{2}$/);
  const orderId = page.url().match(/\/orders\/([a-z0-9]+)\/pay/)![1]!;
  expect((await db.product.findUniqueOrThrow({ where: { id: vase.id } })).stock).toBe(2);
  expect(await db.cartItem.count({ where: { userId: user.id } })).toBe(0);

  await page.getByRole("button", { name: "55,000원 결제하기" }).click();

  await expect(page).toHaveURL(new RegExp(`/account/orders/${orderId}\\?paid=1$`));
  await expect(page.getByTestId("paid-banner")).toContainText("결제가 완료되었습니다");
  await expect(page.getByTestId("order-status")).toHaveText("결제 완료");
  await expect(page.getByRole("list", { name: "진행 내역" }).getByText("결제 완료")).toBeVisible();
  await expect(page.getByText("김배송")).toBeVisible();
  await expect(page.getByRole("button", { name: "주문 취소" })).toBeVisible();
  await expect(page.getByRole("button", { name: "반품 신청" })).toHaveCount(0);

  // It is listed under "결제 완료" in my orders.
  await page.getByRole("navigation", { name: "주요 메뉴" }).getByRole("link", { name: "주문 내역" }).click();
  await page.getByRole("navigation", { name: "주문 상태로 보기" }).getByRole("link", { name: "결제 완료" }).click();
  await expect(page).toHaveURL(/status=PAID/);
  await expect(page.getByTestId("order-row")).toHaveCount(1);
  await expect(page.getByRole("link", { name: /^E2E\w+ .+ 외 1건$/ })).toBeVisible();
});

test("a declined card can be retried until the payment succeeds", async ({ page, context, db }) => {
  const user = await createUser(db);
  await createAddress(db, user.id);
  const product = await createProduct(db, { name: `E2E${uniqueSuffix()} 가죽 지갑`, price: 45_000, stock: 3 });
  await signInContext(context, user);

  await page.goto(`/checkout?productId=${product.id}&quantity=1`);
  await page.getByRole("button", { name: "45,000원 주문하기" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "결제하기" })).toBeVisible();

  await setPaymentSandbox({ declineNextN: 1 });
  await page.getByRole("button", { name: "45,000원 결제하기" }).click();
  await expect(page.getByTestId("pay-error")).toContainText("결제가 거절되었습니다");
  await expect(page.getByRole("timer", { name: "결제 남은 시간" })).toHaveText(/^\d{2}:\d{2}$/);

  await page.getByRole("button", { name: "다시 결제하기" }).click();
  await expect(page.getByTestId("order-status")).toHaveText("결제 완료");
  const attempts = await db.payment.findMany({ where: { order: { userId: user.id } }, select: { status: true }, orderBy: { id: "asc" } });
  expect(attempts.map((attempt) => attempt.status)).toEqual(["DECLINED", "APPROVED"]);
});

test("another shopper's order is a 404, and a bad quantity is explained", async ({ page, context, db }) => {
  const owner = await createUser(db);
  const stranger = await createUser(db);
  const address = await createAddress(db, owner.id);
  const product = await createProduct(db, { price: 9_000, stock: 5 });
  const order = await db.order.create({
    data: {
      userId: owner.id,
      idempotencyKey: crypto.randomUUID(),
      totalAmount: 9_000,
      paymentDueAt: new Date(Date.now() + 3_600_000),
      items: { create: { productId: product.id, productName: product.name, unitPrice: 9_000, quantity: 1, lineTotal: 9_000 } },
    },
  });
  void address;
  await signInContext(context, stranger);

  expect((await page.goto(`/account/orders/${order.id}`))?.status()).toBe(404);
  expect((await page.goto(`/orders/${order.id}/pay`))?.status()).toBe(404);

  await page.goto(`/checkout?productId=${product.id}&quantity=0`);
  await expect(page.getByTestId("checkout-error")).toContainText("수량은 1개 이상");
});
