import type { TRPCClientError } from "@trpc/client";
import type { inferRouterInputs } from "@trpc/server";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { AppRouter } from "~/server/api/root.ts";
import { createApp } from "~/server/app.ts";
import { redis } from "~/server/redis.ts";
import { fixedClock } from "~/server/clock.ts";
import { configFromEnv } from "~/server/config.ts";
import { emailBlindIndex } from "~/server/crypto/pii.ts";
import { db } from "~/server/db.ts";
import { VERIFICATION_TTL_MS } from "~/server/domain/accounts/email-verification.ts";
import { verifyEmailLink } from "~/server/domain/accounts/verify-email.ts";
import { authenticatePassword } from "~/server/domain/auth/authenticate-password.ts";
import { latestVerificationMail, validPassword } from "~/server/testing/accounts.ts";
import { trpcErrorOf } from "~/server/testing/api-test.ts";
import { createUser, uniqueSuffix } from "~/server/testing/factories.ts";
import { createTestClient, sessionCookieFor, startTestServer, TEST_CLIENT_IP_HEADER, uniqueTestIp } from "~/server/testing/http.ts";

type Inputs = inferRouterInputs<AppRouter>;
type SignUpForm = Inputs["account"]["signUp"];

const { pii } = configFromEnv();

function uniqueEmail(tag = "acct") {
  return `${tag}-${uniqueSuffix()}@test.flashmart.local`;
}

function signUpForm(overrides: Partial<SignUpForm> = {}): SignUpForm {
  return { email: uniqueEmail(), password: validPassword(), name: "김가입", phone: "010-2222-3333", ...overrides };
}

/** A raw POST, for what the tRPC client hides: status, Set-Cookie and Retry-After headers. */
async function rawMutation(baseUrl: string, path: string, input: unknown, options: { cookie?: string; ip?: string; origin?: string } = {}) {
  const response = await fetch(`${baseUrl}/api/trpc/${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...(options.origin ? { origin: options.origin } : {}),
      [TEST_CLIENT_IP_HEADER]: options.ip ?? uniqueTestIp(),
    },
    body: JSON.stringify(superjson.serialize(input)),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as { error?: { json: { data: Record<string, unknown> } } } };
}

function fieldErrorsOf(error: TRPCClientError<AppRouter>) {
  return (error.data?.zodError?.fieldErrors ?? {}) as Record<string, string[] | undefined>;
}

function cookieFromSetCookie(setCookie: string) {
  return setCookie.split(";")[0]!;
}

describe("account router over HTTP", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const clock = fixedClock(Date.now());
  let clockedServer: Awaited<ReturnType<typeof startTestServer>>;
  const createdEmails: string[] = [];

  const anonymous = () => createTestClient(server.url, { headers: { [TEST_CLIENT_IP_HEADER]: uniqueTestIp() } });
  const anonymousOnClock = () => createTestClient(clockedServer.url, { headers: { [TEST_CLIENT_IP_HEADER]: uniqueTestIp() } });
  const asUser = async (user: { id: string; role: "USER" | "ADMIN" }, options: { sessionVersion?: number } = {}) =>
    createTestClient(server.url, { cookie: await sessionCookieFor(user, options), headers: { [TEST_CLIENT_IP_HEADER]: uniqueTestIp() } });

  async function signUp(form: SignUpForm, client = anonymous()) {
    createdEmails.push(form.email);
    return client.account.signUp.mutate(form);
  }

  async function signUpAndVerify(form: SignUpForm = signUpForm()) {
    await signUp(form);
    const mail = await latestVerificationMail(db, form.email);
    await anonymous().account.verifyEmail.mutate({ email: form.email, code: mail.code });
    const user = await db.user.findUniqueOrThrow({ where: { emailIndex: emailBlindIndex(form.email, pii) }, select: { id: true, role: true, sessionVersion: true } });
    return { ...user, form };
  }

  beforeAll(async () => {
    server = await startTestServer();
    clockedServer = await startTestServer({ deps: { db, redis, clock } });
  });

  afterAll(async () => {
    await db.user.deleteMany({ where: { emailIndex: { in: createdEmails.map((email) => emailBlindIndex(email, pii)) } } });
    await db.emailMessage.deleteMany({ where: { toAddress: { in: createdEmails } } });
    await server.close();
    await clockedServer.close();
  });

  describe("sign-up and email verification", () => {
    it("creates an unverified account, mails a code and a link, and never returns the code", async () => {
      const form = signUpForm();
      const result = await signUp(form);

      const mail = await latestVerificationMail(db, form.email);
      expect(result).toEqual({ email: form.email, isEmailSent: true });
      expect(JSON.stringify(result)).not.toContain(mail.code);
      const user = await db.user.findUniqueOrThrow({ where: { emailIndex: emailBlindIndex(form.email, pii) }, select: { id: true, emailVerifiedAt: true, passwordHash: true } });
      expect(user.emailVerifiedAt).toBeNull();
      expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

      // Stored hashed: neither the code nor the link token appears in the verification row.
      const [row] = await db.emailVerification.findMany({ where: { userId: user.id } });
      expect(JSON.stringify(row)).not.toContain(mail.code);
      expect(JSON.stringify(row)).not.toContain(mail.token);
    });

    it("refuses login until the code is entered, then accepts it; the code works once", async () => {
      const form = signUpForm();
      await signUp(form);
      const ip = uniqueTestIp();
      expect(await authenticatePassword(createApp({ db, redis }), { email: form.email, password: form.password, ip })).toEqual({ ok: false, reason: "UNVERIFIED" });

      const { code } = await latestVerificationMail(db, form.email);
      await expect(anonymous().account.verifyEmail.mutate({ email: form.email, code })).resolves.toEqual({ isVerified: true });
      expect(await authenticatePassword(createApp({ db, redis }), { email: form.email, password: form.password, ip })).toMatchObject({ ok: true });

      const reused = await trpcErrorOf(anonymous().account.verifyEmail.mutate({ email: form.email, code }));
      expect(reused.data?.code).toBe("BAD_REQUEST");
    });

    it("counts wrong codes and locks the code after 5 wrong attempts, even for the right code", async () => {
      const form = signUpForm();
      await signUp(form);
      const { code } = await latestVerificationMail(db, form.email);
      const wrong = code === "000000" ? "111111" : "000000";

      const first = await trpcErrorOf(anonymous().account.verifyEmail.mutate({ email: form.email, code: wrong }));
      expect(first.data).toMatchObject({ code: "BAD_REQUEST", domainCode: "INVALID_INPUT" });
      expect(first.message).toContain("남은 입력 기회 4회");
      for (let attempt = 2; attempt <= 5; attempt++) {
        await trpcErrorOf(anonymous().account.verifyEmail.mutate({ email: form.email, code: wrong }));
      }
      const locked = await trpcErrorOf(anonymous().account.verifyEmail.mutate({ email: form.email, code }));
      expect(locked.data).toMatchObject({ code: "PRECONDITION_FAILED", domainCode: "INVALID_STATE" });
      expect(locked.message).toContain("입력 횟수를 초과");
    });

    it("gives parallel guesses at most 5 tries in total", async () => {
      const form = signUpForm();
      await signUp(form);
      const { code } = await latestVerificationMail(db, form.email);
      const guesses = Array.from({ length: 9 }, (_, index) => String((Number(code) + 1 + index) % 1_000_000).padStart(6, "0"));
      // Each guess from its own address so only the per-code counter (not the rate limit) decides.
      await Promise.all(guesses.map((guess) => anonymous().account.verifyEmail.mutate({ email: form.email, code: guess }).catch(() => null)));
      const user = await db.user.findUniqueOrThrow({ where: { emailIndex: emailBlindIndex(form.email, pii) }, select: { id: true } });
      const [row] = await db.emailVerification.findMany({ where: { userId: user.id } });
      expect(row?.attempts).toBe(5);
    });

    it("expires a code after 10 minutes (injected clock)", async () => {
      const form = signUpForm();
      createdEmails.push(form.email);
      await anonymousOnClock().account.signUp.mutate(form);
      const { code } = await latestVerificationMail(db, form.email);
      clock.advance(VERIFICATION_TTL_MS);

      const expired = await trpcErrorOf(anonymousOnClock().account.verifyEmail.mutate({ email: form.email, code }));
      expect(expired.data).toMatchObject({ code: "PRECONDITION_FAILED" });
      expect(expired.message).toContain("만료");
    });

    it("re-sends with a 60-second cooldown; a new code replaces the old one", async () => {
      const form = signUpForm();
      createdEmails.push(form.email);
      await anonymousOnClock().account.signUp.mutate(form);
      const first = await latestVerificationMail(db, form.email);

      const tooSoon = await rawMutation(clockedServer.url, "account.resendVerification", { email: form.email });
      expect(tooSoon.status).toBe(429);
      expect(Number(tooSoon.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(Number(tooSoon.headers.get("retry-after"))).toBeLessThanOrEqual(60);
      expect(tooSoon.body.error?.json.data).toMatchObject({ code: "TOO_MANY_REQUESTS", retryAfterS: expect.any(Number) });

      clock.advance(61_000);
      await expect(anonymousOnClock().account.resendVerification.mutate({ email: form.email })).resolves.toEqual({ cooldownS: 60 });
      const second = await latestVerificationMail(db, form.email);
      expect(second.id).toBeGreaterThan(first.id);

      if (first.code !== second.code) {
        await trpcErrorOf(anonymousOnClock().account.verifyEmail.mutate({ email: form.email, code: first.code }));
      }
      await expect(verifyEmailLink({ db, clock }, { token: first.token })).rejects.toMatchObject({ code: "INVALID_STATE" });
      await expect(anonymousOnClock().account.verifyEmail.mutate({ email: form.email, code: second.code })).resolves.toEqual({ isVerified: true });
    });

    it("answers resend for unknown and verified emails exactly like a real resend", async () => {
      const verified = await createUser(db);
      await expect(anonymous().account.resendVerification.mutate({ email: uniqueEmail("nobody") })).resolves.toEqual({ cooldownS: 60 });
      await expect(anonymous().account.resendVerification.mutate({ email: verified.email })).resolves.toEqual({ cooldownS: 60 });
      expect(await db.emailMessage.count({ where: { toAddress: verified.email } })).toBe(0);
    });

    it("verifies through the one-click link once, and says so when the link is opened again", async () => {
      const form = signUpForm();
      await signUp(form);
      const { token } = await latestVerificationMail(db, form.email);
      await expect(verifyEmailLink({ db, clock: { now: () => new Date() } }, { token })).resolves.toEqual({ isVerified: true, wasAlreadyVerified: false });
      await expect(verifyEmailLink({ db, clock: { now: () => new Date() } }, { token })).resolves.toEqual({ isVerified: true, wasAlreadyVerified: true });
      await expect(verifyEmailLink({ db, clock: { now: () => new Date() } }, { token: "x".repeat(43) })).rejects.toMatchObject({ code: "NOT_FOUND" });
    });

    it("refuses a taken email with a message that reveals nothing about the account", async () => {
      const { form } = await signUpAndVerify(signUpForm({ name: "비밀스러운 이름" }));
      const duplicate = await trpcErrorOf(signUp(signUpForm({ email: form.email.toUpperCase() })));
      expect(duplicate.data).toMatchObject({ code: "CONFLICT", httpStatus: 409 });
      expect(duplicate.message).toBe("이미 가입된 이메일입니다. 로그인하거나 다른 이메일로 가입해 주세요.");
      expect(duplicate.message).not.toContain("비밀스러운");
    });

    it("lets an abandoned, never-verified sign-up be replaced once its code has expired", async () => {
      const form = signUpForm();
      createdEmails.push(form.email);
      await anonymousOnClock().account.signUp.mutate(form);
      const pending = await trpcErrorOf(anonymousOnClock().account.signUp.mutate(signUpForm({ email: form.email })));
      expect(pending.data?.code).toBe("CONFLICT");

      clock.advance(VERIFICATION_TTL_MS + 1);
      await expect(anonymousOnClock().account.signUp.mutate(signUpForm({ email: form.email, name: "새 주인" }))).resolves.toMatchObject({ isEmailSent: true });
      expect(await db.user.count({ where: { emailIndex: emailBlindIndex(form.email, pii) } })).toBe(1);
    });

    it("lets exactly one of many simultaneous sign-ups for one email succeed", async () => {
      const email = uniqueEmail("race");
      createdEmails.push(email);
      // Three: the per-email sign-up bucket holds three, so all of them reach the database at the same time.
      const results = await Promise.allSettled(Array.from({ length: 3 }, () => anonymous().account.signUp.mutate(signUpForm({ email }))));
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      for (const result of results) {
        if (result.status === "rejected") expect((result.reason as TRPCClientError<AppRouter>).data?.code).toBe("CONFLICT");
      }
      expect(await db.user.count({ where: { emailIndex: emailBlindIndex(email, pii) } })).toBe(1);
    });

    it.each([
      ["too short", "Ab1!xyz"],
      ["too long", `Ab1!${"x".repeat(61)}`],
      ["no digit", "Abcdefg!"],
      ["no letter", "1234567!"],
      ["no symbol", "Abcdefg1"],
    ])("enforces the password policy: %s", async (_case, password) => {
      const error = await trpcErrorOf(anonymous().account.signUp.mutate(signUpForm({ password })));
      expect(error.data?.code).toBe("BAD_REQUEST");
      expect(error.data?.zodError?.fieldErrors).toHaveProperty("password");
    });

    it("refuses a password equal to the email", async () => {
      const email = `a1!${uniqueSuffix()}@test.flashmart.local`;
      const error = await trpcErrorOf(anonymous().account.signUp.mutate(signUpForm({ email, password: email.toUpperCase() })));
      expect(fieldErrorsOf(error).password).toContain("비밀번호는 이메일과 같을 수 없습니다.");
    });

    it("validates every field with clear Korean messages, and nothing is created", async () => {
      const email = uniqueEmail("invalid");
      const error = await trpcErrorOf(
        anonymous().account.signUp.mutate({ email: "not-an-email", password: "x", name: " ", phone: "12", address: { label: "", recipient: "", phone: "", postalCode: "1", address1: "" } }),
      );
      expect(Object.keys(error.data?.zodError?.fieldErrors ?? {})).toEqual(expect.arrayContaining(["email", "password", "name", "phone", "address"]));
      expect(await db.user.count({ where: { emailIndex: emailBlindIndex(email, pii) } })).toBe(0);
    });

    it("keeps Unicode names and a Korean first address intact", async () => {
      const name = "José Ñúñez 김철수 🙂";
      const address = { label: "우리집", recipient: "이영희", phone: "02-123-4567", postalCode: "06236", address1: "서울특별시 강남구 테헤란로 123 (역삼동)", address2: "5층 501호" };
      const { id, role } = await signUpAndVerify(signUpForm({ name, address }));
      const client = await asUser({ id, role });
      await expect(client.account.me.query()).resolves.toMatchObject({ name, phone: "010-2222-3333", isEmailVerified: true });
      await expect(client.account.address.list.query()).resolves.toEqual([{ id: expect.any(Number), ...address, isDefault: true }]);
    });

    it("rate-limits sign-up per email with TOO_MANY_REQUESTS and Retry-After", async () => {
      const email = uniqueEmail("burst");
      createdEmails.push(email);
      const statuses: number[] = [];
      let limited: Awaited<ReturnType<typeof rawMutation>> | undefined;
      for (let attempt = 0; attempt < 4; attempt++) {
        const response = await rawMutation(server.url, "account.signUp", signUpForm({ email }));
        statuses.push(response.status);
        if (response.status === 429) limited = response;
      }
      // 1 created, 2 refused as duplicates, then the per-email bucket (3) is empty.
      expect(statuses).toEqual([200, 409, 409, 429]);
      expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(limited?.body.error?.json.data).toMatchObject({ code: "TOO_MANY_REQUESTS", domainCode: "RATE_LIMITED" });
    });

    it("rate-limits sign-up per IP; invalid forms are refused before they cost a token", async () => {
      const ip = uniqueTestIp();
      for (let attempt = 0; attempt < 3; attempt++) {
        expect((await rawMutation(server.url, "account.signUp", signUpForm({ password: "weak" }), { ip })).status).toBe(400);
      }
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 11; attempt++) {
        const form = signUpForm();
        createdEmails.push(form.email);
        statuses.push((await rawMutation(server.url, "account.signUp", form, { ip })).status);
      }
      expect(statuses).toEqual([...Array<number>(10).fill(200), 429]);
    });
  });

  describe("profile, password and sessions", () => {
    it("shows and edits the profile; the email is not editable", async () => {
      const user = await createUser(db, { name: "원래 이름" });
      const client = await asUser(user);
      await expect(client.account.me.query()).resolves.toMatchObject({ email: user.email, name: "원래 이름", role: "USER" });
      await expect(client.account.updateProfile.mutate({ data: { name: "  새 이름 Zoë  ", phone: "01099998888" } })).resolves.toMatchObject({
        email: user.email,
        name: "새 이름 Zoë",
        phone: "010-9999-8888",
      });
      const invalid = await trpcErrorOf(client.account.updateProfile.mutate({ data: { name: "", phone: "abc" } }));
      expect(Object.keys(invalid.data?.zodError?.fieldErrors ?? {})).toEqual(expect.arrayContaining(["data"]));
    });

    it("changes the password, ends every other session and renews this one", async () => {
      const password = validPassword();
      const user = await createUser(db, { password });
      const thisSession = await sessionCookieFor(user);
      const otherSession = await sessionCookieFor(user);
      const newPassword = validPassword();

      const response = await rawMutation(server.url, "account.changePassword", { currentPassword: password, newPassword }, { cookie: thisSession });
      expect(response.status).toBe(200);
      const renewed = response.headers.get("set-cookie");
      expect(renewed).toMatch(/^authjs\.session-token=.+; Path=\/; Expires=.+; HttpOnly; SameSite=Lax$/);

      const other = createTestClient(server.url, { cookie: otherSession });
      await expect(other.account.me.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
      const stale = createTestClient(server.url, { cookie: thisSession });
      await expect(stale.account.me.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
      const current = createTestClient(server.url, { cookie: cookieFromSetCookie(renewed!) });
      await expect(current.account.me.query()).resolves.toMatchObject({ id: user.id });

      const ip = uniqueTestIp();
      expect(await authenticatePassword(createApp({ db, redis }), { email: user.email, password, ip })).toEqual({ ok: false, reason: "INVALID" });
      expect(await authenticatePassword(createApp({ db, redis }), { email: user.email, password: newPassword, ip })).toMatchObject({ ok: true });
    });

    it("refuses a wrong current password and a new password that breaks the policy", async () => {
      const password = validPassword();
      const user = await createUser(db, { password });
      const client = await asUser(user);
      const wrong = await trpcErrorOf(client.account.changePassword.mutate({ currentPassword: "Wrong-pass1!", newPassword: validPassword() }));
      expect(wrong.data).toMatchObject({ code: "BAD_REQUEST", domainCode: "INVALID_INPUT" });
      expect(wrong.message).toBe("현재 비밀번호가 올바르지 않습니다.");
      const weak = await trpcErrorOf(client.account.changePassword.mutate({ currentPassword: password, newPassword: "short" }));
      expect(weak.data?.zodError?.fieldErrors).toHaveProperty("newPassword");
      const same = await trpcErrorOf(client.account.changePassword.mutate({ currentPassword: password, newPassword: password }));
      expect(fieldErrorsOf(same).newPassword).toContain("새 비밀번호가 현재 비밀번호와 같습니다.");
      const asEmail = await trpcErrorOf(client.account.changePassword.mutate({ currentPassword: password, newPassword: `${user.email}` }));
      expect(asEmail.data?.code).toBe("BAD_REQUEST");
      await expect(client.account.me.query()).resolves.toMatchObject({ id: user.id });
    });

    it("logs out everywhere: every session of the user is refused on its next request, and the cookie is cleared", async () => {
      const user = await createUser(db);
      const bystander = await createUser(db);
      const sessions = await Promise.all([sessionCookieFor(user), sessionCookieFor(user), sessionCookieFor(user)]);
      const bystanderClient = await asUser(bystander);

      const response = await rawMutation(server.url, "account.logoutEverywhere", undefined, { cookie: sessions[0] });
      expect(response.status).toBe(200);
      expect(response.headers.get("set-cookie")).toMatch(/^authjs\.session-token=; Path=\/; Expires=Thu, 01 Jan 1970/);

      for (const cookie of sessions) {
        await expect(createTestClient(server.url, { cookie }).account.me.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
      }
      await expect(bystanderClient.account.me.query()).resolves.toMatchObject({ id: bystander.id });
      expect((await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { sessionVersion: true } })).sessionVersion).toBe(1);

      // A fresh login (new version in the token) works again.
      await expect((await asUser(user, { sessionVersion: 1 })).account.me.query()).resolves.toMatchObject({ id: user.id });
    });
  });

  describe("addresses", () => {
    const address = (label: string) => ({ label, recipient: "홍길동", phone: "010-1111-2222", postalCode: "04524", address1: "서울특별시 중구 세종대로 110", address2: "" });

    async function defaults(userId: string) {
      return db.address.findMany({ where: { userId, isDefault: true }, select: { id: true } });
    }

    it("adds, edits, sets default and deletes, always keeping exactly one default", async () => {
      const user = await createUser(db);
      const client = await asUser(user);

      const home = await client.account.address.create.mutate(address("집"));
      expect(home).toMatchObject({ label: "집", isDefault: true, address2: null });
      const office = await client.account.address.create.mutate(address("회사"));
      expect(office.isDefault).toBe(false);

      await client.account.address.setDefault.mutate({ id: office.id });
      expect((await client.account.address.list.query()).map((item) => [item.label, item.isDefault])).toEqual([
        ["회사", true],
        ["집", false],
      ]);

      const edited = await client.account.address.update.mutate({ id: home.id, data: { ...address("본가"), address1: "부산광역시 해운대구 해운대해변로 264", address2: "1203호" } });
      expect(edited).toMatchObject({ label: "본가", address1: "부산광역시 해운대구 해운대해변로 264", address2: "1203호", isDefault: false });

      await client.account.address.delete.mutate({ id: office.id });
      expect(await client.account.address.list.query()).toEqual([expect.objectContaining({ id: home.id, isDefault: true })]);
      await client.account.address.delete.mutate({ id: home.id });
      await expect(client.account.address.list.query()).resolves.toEqual([]);
    });

    it("a new address marked default takes over the default", async () => {
      const user = await createUser(db);
      const client = await asUser(user);
      await client.account.address.create.mutate(address("집"));
      const second = await client.account.address.create.mutate({ ...address("회사"), isDefault: true });
      expect(await defaults(user.id)).toEqual([{ id: second.id }]);
    });

    it("keeps exactly one default under concurrent changes", async () => {
      const user = await createUser(db);
      const client = await asUser(user);
      const created = [];
      for (let index = 0; index < 5; index++) created.push(await client.account.address.create.mutate(address(`주소 ${index}`)));

      await Promise.all([
        ...created.map((item) => client.account.address.setDefault.mutate({ id: item.id })),
        client.account.address.create.mutate({ ...address("동시"), isDefault: true }),
        client.account.address.create.mutate({ ...address("동시 2"), isDefault: true }),
      ]);
      expect(await defaults(user.id)).toHaveLength(1);
    });

    it("validates address fields", async () => {
      const client = await asUser(await createUser(db));
      const error = await trpcErrorOf(client.account.address.create.mutate({ ...address("집"), postalCode: "123", phone: "phone" }));
      expect(error.data?.zodError?.fieldErrors).toMatchObject({ postalCode: ["우편번호 5자리를 입력해 주세요."], phone: expect.any(Array) });
    });
  });

  it("refuses account mutations from another origin (CSRF) and accepts same-origin ones", async () => {
    const user = await createUser(db);
    const cookie = await sessionCookieFor(user);
    const data = { data: { name: "공격자", phone: "010-0000-0000" } };
    expect((await rawMutation(server.url, "account.updateProfile", data, { cookie, origin: "https://evil.example" })).status).toBe(403);
    expect((await rawMutation(server.url, "account.logoutEverywhere", undefined, { cookie, origin: "https://evil.example" })).status).toBe(403);
    await expect((await asUser(user)).account.me.query()).resolves.toMatchObject({ name: "테스트 사용자" });
    expect((await rawMutation(server.url, "account.updateProfile", data, { cookie, origin: server.url })).status).toBe(200);
  });

  it("rejects oversized bodies before any procedure runs", async () => {
    const response = await fetch(`${server.url}/api/trpc/account.signUp`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: { ...signUpForm(), name: "가".repeat(100_000) } }),
    });
    expect(response.status).toBe(413);
  });
});
