// The fixtures load the environment, so they come before anything that reads it.
import { E2E_BASE_URL, expect, readLatestMail, test } from "./fixtures/app";

import type { Browser, BrowserContext, Page } from "@playwright/test";

import { createUser, uniqueSuffix } from "~/server/testing/factories.ts";

const PASSWORD = "Flash-e2e-1!";

function uniqueEmail(tag: string) {
  return `${tag}-${uniqueSuffix()}@test.flashmart.local`;
}

/** Fails the test on any Content-Security-Policy violation the page reports. */
function watchCsp(page: Page) {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|Refused to (execute|load|apply)/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

async function logIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("이메일").fill(email);
  await page.getByLabel("비밀번호").fill(password);
  await page.getByRole("button", { name: "로그인" }).click();
}

async function addAddress(page: Page, values: { label: string; recipient: string; phone: string; postalCode: string; address1: string; address2?: string }) {
  await page.getByRole("button", { name: "새 배송지 추가" }).click();
  const form = page.getByRole("form", { name: "새 배송지" });
  await form.getByLabel("배송지 이름").fill(values.label);
  await form.getByLabel("받는 분").fill(values.recipient);
  await form.getByLabel("연락처").fill(values.phone);
  await form.getByLabel("우편번호").fill(values.postalCode);
  await form.getByLabel("주소", { exact: true }).fill(values.address1);
  if (values.address2) await form.getByLabel("상세 주소 (선택)").fill(values.address2);
  await form.getByRole("button", { name: "저장" }).click();
  await expect(page.getByTestId("address-notice")).toHaveText("배송지를 추가했습니다.");
}

function addressCard(page: Page, label: string) {
  return page.getByRole("list", { name: "배송지 목록" }).getByRole("article", { name: label });
}

async function verifiedUser(db: Parameters<typeof createUser>[0], tag: string) {
  return createUser(db, { email: uniqueEmail(tag), password: PASSWORD, name: "이투이 사용자" });
}

async function loggedInContext(browser: Browser, email: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, email, PASSWORD);
  await expect(page).toHaveURL(`${E2E_BASE_URL}/`);
  return { context, page };
}

test("sign up, verify with the mailed code, log in, manage addresses, log out and back in", async ({ page }) => {
  const violations = watchCsp(page);
  const email = uniqueEmail("signup");

  await page.goto("/");
  await page.getByRole("navigation", { name: "주요 메뉴" }).getByRole("link", { name: "회원가입" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "회원가입" })).toBeVisible();
  await page.getByLabel("이메일").fill(email);
  await page.getByLabel("비밀번호").fill(PASSWORD);
  await page.getByLabel("이름").fill("김가입 Zoë");
  await page.getByLabel("휴대폰 번호").fill("01012345678");
  await page.getByRole("button", { name: "가입하고 인증번호 받기" }).click();

  await expect(page).toHaveURL(/\/verify\?sent=1$/);
  await expect(page.getByTestId("verify-sent")).toContainText(email);

  const mail = await readLatestMail(page, email);
  const code = /인증번호: (\d{6})/.exec(mail)?.[1];
  expect(code).toMatch(/^\d{6}$/);

  // Not verified yet: login is refused with a way to get a new code.
  await logIn(page, email, PASSWORD);
  await expect(page.getByTestId("form-error")).toContainText("이메일 인증이 필요합니다");
  await expect(page.getByTestId("form-error").getByRole("link", { name: "인증번호 다시 받기" })).toBeVisible();

  await page.goto("/verify");
  await expect(page.getByLabel("이메일")).toHaveValue(email);
  await page.getByLabel("인증번호").fill(code!);
  await page.getByRole("button", { name: "인증하기" }).click();
  await expect(page).toHaveURL(/\/login\?verified=1$/);
  await expect(page.getByTestId("login-notice")).toHaveText("이메일 인증이 완료되었습니다. 로그인해 주세요.");

  await page.getByLabel("이메일").fill(email);
  await page.getByLabel("비밀번호").fill(PASSWORD);
  await page.getByRole("button", { name: "로그인" }).click();
  await expect(page).toHaveURL(`${E2E_BASE_URL}/`);

  await page.getByRole("navigation", { name: "주요 메뉴" }).getByRole("link", { name: "마이페이지" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "마이페이지" })).toBeVisible();
  await expect(page.getByTestId("profile-email")).toHaveText(email);
  await expect(page.getByTestId("profile-name")).toHaveText("김가입 Zoë");
  await expect(page.getByTestId("profile-phone")).toHaveText("010-1234-5678");
  await expect(page.getByText("등록된 배송지가 없습니다.")).toBeVisible();

  await addAddress(page, { label: "집", recipient: "김가입", phone: "010-1234-5678", postalCode: "06236", address1: "서울특별시 강남구 테헤란로 123", address2: "5층" });
  await addAddress(page, { label: "회사", recipient: "김가입", phone: "02-555-1234", postalCode: "04524", address1: "서울특별시 중구 세종대로 110" });
  await expect(addressCard(page, "집").getByTestId("default-badge")).toBeVisible();
  await expect(addressCard(page, "회사").getByTestId("default-badge")).toHaveCount(0);

  await addressCard(page, "회사").getByRole("button", { name: "기본 배송지로" }).click();
  await expect(page.getByTestId("address-notice")).toHaveText("'회사'을(를) 기본 배송지로 설정했습니다.");
  await expect(addressCard(page, "회사").getByTestId("default-badge")).toBeVisible();
  await expect(addressCard(page, "집").getByTestId("default-badge")).toHaveCount(0);
  await expect(page.getByTestId("default-badge")).toHaveCount(1);

  await page.getByRole("button", { name: "로그아웃", exact: true }).click();
  await expect(page.getByRole("navigation", { name: "주요 메뉴" }).getByRole("link", { name: "로그인" })).toBeVisible();
  await page.goto("/account");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Faccount$/);

  await page.getByLabel("이메일").fill(email);
  await page.getByLabel("비밀번호").fill(PASSWORD);
  await page.getByRole("button", { name: "로그인" }).click();
  await expect(page).toHaveURL(`${E2E_BASE_URL}/account`);
  await expect(page.getByRole("list", { name: "배송지 목록" }).getByRole("article").first()).toHaveAccessibleName("회사");
  await expect(addressCard(page, "회사").getByTestId("default-badge")).toBeVisible();

  expect(violations).toEqual([]);
});

test("verifies through the one-click link in the email", async ({ page }) => {
  const email = uniqueEmail("link");
  await page.goto("/signup");
  await page.getByLabel("이메일").fill(email);
  await page.getByLabel("비밀번호").fill(PASSWORD);
  await page.getByLabel("이름").fill("링크 사용자");
  await page.getByLabel("휴대폰 번호").fill("010-2222-3333");
  await page.getByRole("button", { name: "가입하고 인증번호 받기" }).click();
  await expect(page).toHaveURL(/\/verify/);

  const link = /(http\S+\/verify\?token=[\w-]+)/.exec(await readLatestMail(page, email))?.[1];
  expect(link).toBeDefined();
  await page.goto(new URL(link!).pathname + new URL(link!).search);
  await expect(page.getByRole("heading", { level: 1, name: "이메일 인증이 완료되었습니다" })).toBeVisible();
  await page.getByRole("link", { name: "로그인하러 가기" }).click();
  await logIn(page, email, PASSWORD);
  await expect(page).toHaveURL(`${E2E_BASE_URL}/`);
});

test("wrong password again and again ends in a rate-limit message that says when to try again", async ({ page, db }) => {
  const user = await verifiedUser(db, "brute");
  await page.goto("/login");

  /** Submits the form and waits for the server action's answer (the previous message is still on screen until then). */
  async function attempt(password: string) {
    await page.getByLabel("이메일").fill(user.email);
    await page.getByLabel("비밀번호").fill(password);
    await Promise.all([
      page.waitForResponse((response) => response.request().method() === "POST" && new URL(response.url()).pathname === "/login"),
      page.getByRole("button", { name: "로그인" }).click(),
    ]);
  }

  for (let count = 1; count <= 5; count++) {
    await attempt(`Wrong-${count}-pass!`);
    await expect(page.getByTestId("form-error")).toHaveText("이메일 또는 비밀번호가 올바르지 않습니다.");
  }
  // Even the right password is refused now, with how long to wait.
  await attempt(PASSWORD);
  await expect(page.getByTestId("form-error")).toHaveText(/^로그인 시도가 너무 많습니다\. \d+(초|분) 후에 다시 시도해 주세요\.$/);
  await expect(page).toHaveURL(/\/login/);
});

test("log out of all devices from browser A sends browser B to the login page on its next navigation", async ({ browser, db }) => {
  const user = await verifiedUser(db, "everywhere");
  const a = await loggedInContext(browser, user.email);
  const b = await loggedInContext(browser, user.email);
  await b.page.goto("/account");
  await expect(b.page.getByRole("heading", { level: 1, name: "마이페이지" })).toBeVisible();

  await a.page.goto("/account");
  a.page.once("dialog", (dialog) => void dialog.accept());
  await a.page.getByRole("button", { name: "모든 기기에서 로그아웃" }).click();
  await expect(a.page).toHaveURL(/\/login\?loggedOut=everywhere$/);
  await expect(a.page.getByTestId("login-notice")).toHaveText("모든 기기에서 로그아웃되었습니다. 다시 로그인해 주세요.");

  await b.page.getByRole("link", { name: "주문 내역 보기" }).click();
  await expect(b.page).toHaveURL(/\/login\?callbackUrl=%2Faccount%2Forders$/);
  await b.page.goto("/account");
  await expect(b.page).toHaveURL(/\/login\?callbackUrl=%2Faccount$/);

  await a.context.close();
  await b.context.close();
});

test("logout revokes the session server-side: a copy of the cookie is refused on its next request", async ({ browser, db }) => {
  const user = await verifiedUser(db, "logout");
  const { context, page } = await loggedInContext(browser, user.email);
  const copied = (await context.cookies()).filter((cookie) => cookie.name.includes("session-token"));
  expect(copied).toHaveLength(1);

  await page.getByRole("button", { name: "로그아웃", exact: true }).click();
  await expect(page.getByRole("navigation", { name: "주요 메뉴" }).getByRole("link", { name: "로그인" })).toBeVisible();

  const thief = await browser.newContext();
  await thief.addCookies(copied);
  const thiefPage = await thief.newPage();
  await thiefPage.goto("/account");
  await expect(thiefPage).toHaveURL(/\/login\?callbackUrl=%2Faccount$/);
  const api = await thief.request.get("/api/trpc/account.me");
  expect(api.status()).toBe(401);

  await context.close();
  await thief.close();
});

test("admin pages: anonymous goes to login with a return URL, USER gets 403, ADMIN gets in", async ({ browser, page, db }) => {
  await page.goto("/admin/users");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fadmin%2Fusers$/);

  const user = await verifiedUser(db, "notadmin");
  const asUser = await loggedInContext(browser, user.email);
  for (const path of ["/admin", "/admin/users"]) {
    const response = await asUser.page.goto(path);
    expect(response?.status(), path).toBe(403);
    await expect(asUser.page.getByRole("heading", { level: 1, name: "이 페이지를 볼 수 있는 권한이 없습니다" })).toBeVisible();
  }
  await asUser.context.close();

  const admin = await createUser(db, { email: uniqueEmail("admin"), password: PASSWORD, role: "ADMIN", name: "관리자 이투이" });
  const asAdmin = await loggedInContext(browser, admin.email);
  const response = await asAdmin.page.goto("/admin");
  expect(response?.status()).toBeLessThan(400);
  await expect(asAdmin.page).toHaveURL(`${E2E_BASE_URL}/admin`);
  await asAdmin.context.close();
});

test("every page carries the security headers; Auth.js routes refuse requests without their CSRF token", async ({ page, request }) => {
  for (const path of ["/", "/login", "/signup", "/products/999999", "/verify"]) {
    const response = await request.get(path);
    const headers = response.headers();
    const csp = headers["content-security-policy"] ?? "";
    // Pages rendered per request carry a fresh nonce; cached public pages (the same HTML for everybody) list the
    // hashes of their own inline scripts instead (server/http/public-page-cache.ts).
    expect(csp, path).toMatch(/script-src 'self' ('nonce-[\w+/=]+' 'strict-dynamic'|'sha256-[\w+/=]+'( 'sha256-[\w+/=]+')*)[;']/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(headers["strict-transport-security"]).toContain("max-age=");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(headers["x-frame-options"]).toBe("DENY");
  }
  // A fresh nonce per response on a page rendered per request.
  const [first, second] = await Promise.all([request.get("/verify"), request.get("/verify")]);
  expect(first.headers()["content-security-policy"]).not.toBe(second.headers()["content-security-policy"]);

  const forged = await request.post("/api/auth/callback/credentials", {
    form: { email: "shopper@flashmart.local", password: "Shopper123!" },
    headers: { origin: "https://evil.example" },
    maxRedirects: 0,
  });
  expect(forged.status()).toBe(302);
  expect(forged.headers().location).toContain("error=MissingCSRF");
  expect(forged.headers()["set-cookie"] ?? "").not.toContain("session-token");

  // The pages render with the CSP enforced (no violations).
  const violations = watchCsp(page);
  await page.goto("/signup");
  await page.getByLabel("이메일").fill("csp@test.flashmart.local");
  await expect(page.getByRole("heading", { level: 1, name: "회원가입" })).toBeVisible();
  expect(violations).toEqual([]);
});
