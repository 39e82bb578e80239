// The fixtures load .env.local, so they must be imported before anything that reads the environment.
import { readFile } from "node:fs/promises";

import { appNow, expect, signInContext, test } from "./fixtures/app";

import { createOrder, createUser } from "~/server/testing/factories.ts";

/** A real 1×1 PNG, so the uploaded preview actually renders. */
const PIXEL_PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

/** "2026-11-24T15:05" in Seoul wall time, as a datetime-local input takes it. */
function seoulLocal(date: Date) {
  return new Date(date.getTime() + 9 * 3600_000).toISOString().slice(0, 16);
}

test.describe("admin dashboard", () => {
  test("an admin creates a product, schedules a sale, watches the live monitor, reconciles and exports the report", async ({ page, context, db }) => {
    const admin = await createUser(db, { role: "ADMIN" });
    const shopper = await createUser(db);
    await signInContext(context, admin);
    const productName = `관리자 e2e 상품 ${Date.now()}`;

    // Products: validation errors on the form first, then a valid product with an uploaded image.
    await page.goto("/admin");
    await expect(page.getByRole("heading", { level: 1, name: "대시보드" })).toBeVisible();
    await page.getByRole("navigation", { name: "관리자 메뉴" }).getByRole("link", { name: "상품" }).click();
    await page.getByRole("link", { name: "새 상품 등록" }).click();
    await page.getByRole("button", { name: "상품 등록" }).click();
    await expect(page.getByText("상품명을 입력해 주세요.")).toBeVisible();
    await expect(page.getByText("가격을 숫자로 입력해 주세요.")).toBeVisible();

    await page.getByLabel("상품명").fill(productName);
    await page.getByLabel("상품 설명").fill("관리자 화면에서 등록한 한정판 상품입니다.");
    await page.getByLabel("가격(원)").fill("50");
    await page.getByLabel("재고").fill("0");
    await page.getByLabel("카테고리").selectOption({ index: 1 });
    await page.getByLabel("상품 이미지").setInputFiles({ name: "item.png", mimeType: "image/png", buffer: PIXEL_PNG });
    await expect(page.getByTestId("image-uploaded")).toBeVisible();
    await expect(page.getByRole("img", { name: "현재 이미지" })).toHaveJSProperty("naturalWidth", 1);
    await page.getByRole("button", { name: "상품 등록" }).click();
    await expect(page.getByText("가격은 100원 이상이어야 합니다.")).toBeVisible();
    await page.getByLabel("가격(원)").fill("129000");
    await page.getByRole("button", { name: "상품 등록" }).click();
    await expect(page.getByTestId("product-created")).toBeVisible();
    await expect(page.getByRole("heading", { level: 1 })).toContainText(productName);

    // Sales: schedule it five minutes ahead (typed in Korean time).
    await page.getByRole("link", { name: "이 상품으로 세일 예약" }).click();
    await expect(page.getByTestId("sale-product-lookup")).toHaveText(`선택한 상품: ${productName}`);
    const opensAt = new Date(Math.ceil(((await appNow()).getTime() + 5 * 60_000) / 60_000) * 60_000);
    await page.getByLabel("세일가(원)").fill("99000");
    await page.getByLabel("수량", { exact: true }).fill("3");
    // One unit per bucket: the monitor and the reconciliation below must add the buckets up.
    await page.getByLabel("재고 분할 수 (버킷)").fill("3");
    // A start in the past is named next to its field and in the summary at the top, not only below the form.
    await page.getByLabel("시작 시각 (한국 시간)").fill(seoulLocal(new Date((await appNow()).getTime() - 3_600_000)));
    await page.getByRole("button", { name: "세일 예약" }).click();
    await expect(page.getByLabel("시작 시각 (한국 시간)")).toHaveAccessibleDescription("시작 시각은 현재 이후여야 합니다.");
    await expect(page.getByTestId("sale-form-errors")).toContainText("시작 시각 (한국 시간): 시작 시각은 현재 이후여야 합니다.");
    await expect(page.locator(":focus")).toContainText("입력 내용을 확인해 주세요.");
    await page.getByLabel("시작 시각 (한국 시간)").fill(seoulLocal(opensAt));
    await page.getByRole("button", { name: "세일 예약" }).click();

    // The monitor: counts of a fresh sale, the invariant, no drift, no waiting room.
    await expect(page).toHaveURL(/\/admin\/sales\/\d+$/);
    const saleId = Number(page.url().split("/").at(-1));
    const sale = await db.sale.findUniqueOrThrow({ where: { id: saleId }, select: { opensAt: true, quantity: true, salePrice: true, productId: true, stockBuckets: true } });
    expect(sale).toMatchObject({ opensAt, quantity: 3, salePrice: 99_000, stockBuckets: 3 });
    await expect(page.getByTestId("monitor-stock-buckets")).toHaveText("재고 3개 버킷으로 분할");
    await expect(page.getByTestId("monitor-remaining")).toHaveText("3");
    await expect(page.getByTestId("monitor-held")).toHaveText("0");
    await expect(page.getByTestId("monitor-sold")).toHaveText("0");
    await expect(page.getByTestId("monitor-expired")).toHaveText("0");
    await expect(page.getByTestId("monitor-invariant")).toHaveText("0 + 0 + 3 = 3 / 3");
    await expect(page.getByTestId("monitor-drift")).toHaveText("차이 없음");
    await expect(page.getByTestId("monitor-queue-length")).toHaveText("대기열 꺼짐");
    await expect(page.getByTestId("monitor-admitted")).toHaveText("-");

    // Controls: pause and resume before the open (the stored state follows).
    await page.getByRole("button", { name: "일시 중지" }).click();
    await expect(page.getByTestId("monitor-notice")).toHaveText("처리했습니다.");
    await expect(page.getByRole("button", { name: "재개" })).toBeEnabled();
    await page.getByRole("button", { name: "재개" }).click();
    await expect(page.getByRole("button", { name: "일시 중지" })).toBeEnabled();

    // Orders land in MySQL behind Redis's back (as if a sync were lost). Still scheduled, so the background
    // reconciliation of live sales leaves it alone: the page updates by itself and shows the drift.
    const paidAt = new Date((await appNow()).getTime());
    await createOrder(db, { userId: shopper.id, productId: sale.productId, saleId, status: "PAID", unitPrice: 99_000, paidAt });
    await createOrder(db, { userId: shopper.id, productId: sale.productId, saleId, status: "EXPIRED", unitPrice: 99_000, expiredAt: paidAt });
    await expect(page.getByTestId("monitor-expired")).toHaveText("1");
    await expect(page.getByTestId("monitor-drift")).toHaveText(/\d+건 차이/);

    await page.getByRole("button", { name: "지금 재조정" }).click();
    await expect(page.getByTestId("monitor-notice")).toContainText("재조정 완료");
    await expect(page.getByTestId("monitor-drift")).toHaveText("차이 없음");
    await expect(page.getByTestId("monitor-sold")).toHaveText("1");
    await expect(page.getByTestId("monitor-remaining")).toHaveText("2");
    await expect(page.getByTestId("monitor-invariant")).toHaveText("1 + 0 + 2 = 3 / 3");

    // The post-sale report and its CSV.
    await page.getByRole("link", { name: "판매 보고서" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText(`세일 #${saleId} 판매 보고서`);
    await expect(page.getByTestId("report-quantity")).toHaveText("3");
    await expect(page.getByTestId("report-sold")).toHaveText("1");
    await expect(page.getByTestId("report-expired")).toHaveText("1");
    await expect(page.getByTestId("report-oversold")).toContainText("초과 판매 없음");
    const downloadPromise = page.waitForEvent("download");
    await page.getByRole("button", { name: "CSV 내보내기" }).click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toBe(`flashmart-sale-${saleId}-report.csv`);
    const csv = await readFile(await download.path(), "utf8");
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain(`상품,${productName}`);
    expect(csv).toContain("수량,3");
    expect(csv).toContain("초과 판매,0");
  });

  test("personal data is shown only on request and every view lands in the audit log", async ({ page, context, db }) => {
    const admin = await createUser(db, { role: "ADMIN" });
    const member = await createUser(db, { name: "열람대상 김하나" });
    await signInContext(context, admin);

    await page.goto(`/admin/users?email=${encodeURIComponent(member.email)}`);
    const list = page.getByRole("table", { name: "회원 목록" });
    await expect(list.getByRole("row")).toHaveCount(2);
    await expect(list).not.toContainText(member.email);
    await list.getByRole("link", { name: member.id }).click();

    await expect(page.getByRole("heading", { level: 1, name: `회원 ${member.id}` })).toBeVisible();
    await expect(page.getByText("열람대상 김하나")).toHaveCount(0);
    await page.getByLabel("열람 사유(선택)").fill("e2e 배송 문의");
    await page.getByRole("button", { name: "개인정보 보기" }).click();
    await expect(page.getByTestId("user-personal-data")).toContainText(member.email);
    await expect(page.getByTestId("user-personal-data")).toContainText("열람대상 김하나");
    await expect(page.getByTestId("audit-row")).toHaveCount(1);
    await expect(page.getByTestId("audit-row")).toContainText("개인정보 열람");

    await page.getByRole("navigation", { name: "관리자 메뉴" }).getByRole("link", { name: "감사 로그" }).click();
    await expect(page.getByTestId("audit-row").first()).toContainText("e2e 배송 문의");

    // Unknown ids are the 404 page, not an error.
    expect((await page.goto("/admin/sales/999999"))?.status()).toBe(404);
    expect((await page.goto("/admin/orders/nosuchorder"))?.status()).toBe(404);
    expect((await page.goto("/admin/users/nosuchuser"))?.status()).toBe(404);
  });

  test("an admin sees a dead-lettered refund on the system page and replays it", async ({ page, context, db }) => {
    const admin = await createUser(db, { role: "ADMIN" });
    await signInContext(context, admin);
    // As the relay leaves an orphan-charge refund after its last failed attempt. A name of its own, so no local
    // consumer acts on it once replayed (unconsumed events are acknowledged) and other specs' events stay apart.
    const name = `e2e/payment.refund-requested-${Date.now()}`;
    const orderId = `e2edead${Date.now()}`;
    const event = await db.outboxEvent.create({
      data: { name, payload: { orderId, paymentId: 4242, email: "dead-letter@example.com" }, attempts: 10, deadAt: await appNow(), lastError: "refund provider unreachable" },
    });

    await page.goto("/admin");
    await expect(page.getByTestId("dashboard-dead-letters")).toContainText("전달에 실패한 이벤트가");
    await page.getByRole("link", { name: "시스템 상태 보기" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "시스템 상태" })).toBeVisible();
    await expect(page.getByTestId("system-outbox-dead")).toContainText("전달 실패 보관");

    const list = page.getByRole("table", { name: "전달 실패 이벤트 목록" });
    const row = list.getByTestId("dead-letter-row").filter({ hasText: name });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(`주문 ${orderId}`);
    await expect(row).toContainText("결제 4242");
    await expect(row).toContainText("10회");
    await expect(row).toContainText("refund provider unreachable");
    await expect(list).not.toContainText("dead-letter@example.com");
    const countBefore = Number((await page.getByTestId("dead-letter-count").textContent())?.replace(/\D/g, ""));
    expect(countBefore).toBeGreaterThanOrEqual(1);

    await row.getByRole("button", { name: "다시 보내기" }).click();
    await expect(page.getByTestId("dead-letter-replayed")).toHaveText(`이벤트 #${event.id}를 다시 보내도록 예약했습니다.`);
    await expect(list.getByTestId("dead-letter-row").filter({ hasText: name })).toHaveCount(0);
    await expect(page.getByTestId("dead-letter-count")).toHaveText(`${countBefore - 1}건`);

    // Back in the relay's hands: the in-process runner delivers it within a tick or two.
    await expect.poll(async () => (await db.outboxEvent.findUniqueOrThrow({ where: { id: event.id } })).processedAt, { timeout: 15_000 }).not.toBeNull();
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "outbox.replay", targetId: String(event.id) } });
    expect(audit.actorId).toBe(admin.id);
  });

  test("shoppers get the 403 page and anonymous visitors the login page", async ({ page, context, db }) => {
    await page.goto("/admin/sales");
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fadmin%2Fsales/);

    const shopper = await createUser(db);
    await signInContext(context, shopper);
    const response = await page.goto("/admin/system");
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "이 페이지를 볼 수 있는 권한이 없습니다" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "관리자 메뉴" })).toHaveCount(0);
  });
});
