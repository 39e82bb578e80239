/**
 * Login through the real Auth.js path: the same Auth() call the login page's server action makes (signIn →
 * Credentials authorize → rate limits → argon2), and the session endpoint that runs the jwt callback.
 */
import { Auth, raw, skipCSRFCheck } from "@auth/core";
import { CredentialsSignin } from "@auth/core/errors";
import { decode } from "next-auth/jwt";
import { afterAll, describe, expect, it } from "vitest";

import { retryAfterFromSignInCode } from "~/server/auth-codes.ts";
import { authConfig } from "~/server/auth.ts";
import { configFromEnv } from "~/server/config.ts";
import { db } from "~/server/db.ts";
import { revokeAllSessions, revokeSession } from "~/server/domain/accounts/session-state.ts";
import { env } from "~/server/env.js";
import { CLIENT_IP_HEADER } from "~/server/http/client-ip.ts";
import { redis } from "~/server/redis.ts";
import { systemClock } from "~/server/clock.ts";
import { validPassword } from "~/server/testing/accounts.ts";
import { createUser, uniqueSuffix } from "~/server/testing/factories.ts";
import { sessionCookieFor, uniqueTestIp } from "~/server/testing/http.ts";

const BASE = "http://localhost:3000/api/auth";
const config = { ...authConfig, basePath: "/api/auth" };

type LoginResult = { ok: true; cookie: string } | { ok: false; code: string };

async function login(email: string, password: string, ip = uniqueTestIp()): Promise<LoginResult> {
  const request = new Request(`${BASE}/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", [CLIENT_IP_HEADER]: ip },
    body: new URLSearchParams({ email, password, callbackUrl: "/" }),
  });
  try {
    const response = (await Auth(request, { ...config, raw, skipCSRFCheck })) as unknown as { cookies?: { name: string; value: string }[] };
    const session = response.cookies?.find((cookie) => cookie.name === "authjs.session-token");
    if (!session) throw new Error("signed in without a session cookie");
    return { ok: true, cookie: `${session.name}=${session.value}` };
  } catch (error) {
    if (error instanceof CredentialsSignin) return { ok: false, code: error.code };
    throw error;
  }
}

/** GET /api/auth/session: runs the jwt callback on the cookie, like every auth() call and the proxy. */
async function readSession(cookie: string) {
  const response = await Auth(new Request(`${BASE}/session`, { headers: { cookie } }), config);
  return { body: (await response.json()) as { user?: { id: string } } | null, setCookie: response.headers.getSetCookie().join("\n") };
}

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe("login through Auth.js", () => {
  const userIds: string[] = [];
  afterAll(async () => {
    await db.user.deleteMany({ where: { id: { in: userIds } } });
  });

  async function userWithPassword(options: { verified?: boolean } = {}) {
    const password = validPassword();
    const user = await createUser(db, { password, verified: options.verified });
    userIds.push(user.id);
    return { ...user, password };
  }

  it("issues a session token with the user, a session id, the session version and the login time", async () => {
    const user = await userWithPassword();
    const result = await login(user.email.toUpperCase(), user.password);
    expect(result.ok).toBe(true);
    const token = await decode({ token: (result as { cookie: string }).cookie.split("=")[1]!, secret: env.AUTH_SECRET, salt: "authjs.session-token" });
    expect(token).toMatchObject({ sub: user.id, role: "USER", sid: expect.any(String), sv: 0 });
    expect(Math.abs((token?.authAt as number) - Date.now() / 1000)).toBeLessThan(60);
    expect((token?.exp as number) - (token?.iat as number)).toBe(env.SESSION_IDLE_TIMEOUT_S);
    expect(token).not.toHaveProperty("email");
    expect(token).not.toHaveProperty("name");
  });

  it("gives unknown email and wrong password the same answer, and says 'unverified' only with the right password", async () => {
    const user = await userWithPassword({ verified: false });
    expect(await login(`nobody-${uniqueSuffix()}@test.flashmart.local`, "Whatever-1!")).toEqual({ ok: false, code: "credentials" });
    expect(await login(user.email, "Wrong-pass1!")).toEqual({ ok: false, code: "credentials" });
    expect(await login(user.email, user.password)).toEqual({ ok: false, code: "unverified" });
  });

  it("blocks an account after 5 failed attempts with 'try again in N seconds', even with the right password", async () => {
    const user = await userWithPassword();
    for (let attempt = 0; attempt < 5; attempt++) {
      expect(await login(user.email, "Wrong-pass1!")).toEqual({ ok: false, code: "credentials" });
    }
    const blocked = await login(user.email, user.password);
    expect(blocked.ok).toBe(false);
    const retryAfterS = retryAfterFromSignInCode((blocked as { code: string }).code);
    expect(retryAfterS).toBeGreaterThan(0);
    expect(retryAfterS).toBeLessThanOrEqual(180);
  });

  it("counts failures since the last success: a successful login refills the account's bucket", async () => {
    const user = await userWithPassword();
    for (let round = 0; round < 3; round++) {
      for (let attempt = 0; attempt < 4; attempt++) expect((await login(user.email, "Wrong-pass1!")).ok).toBe(false);
      expect((await login(user.email, user.password)).ok).toBe(true);
    }
  });

  it("limits attempts per IP across many accounts (credential stuffing)", async () => {
    const ip = uniqueTestIp();
    const codes: string[] = [];
    for (let attempt = 0; attempt < 31; attempt++) {
      const result = await login(`stuffing-${attempt}-${uniqueSuffix()}@test.flashmart.local`, "Guess-pass1!", ip);
      codes.push(result.ok ? "ok" : result.code);
    }
    expect(codes.slice(0, 30).every((code) => code === "credentials")).toBe(true);
    expect(retryAfterFromSignInCode(codes[30])).toBeGreaterThan(0);
  });

  it("keeps the session while it is valid and refreshes its cookie (idle refresh)", async () => {
    const user = await userWithPassword();
    const result = (await login(user.email, user.password)) as { cookie: string };
    const session = await readSession(result.cookie);
    expect(session.body?.user?.id).toBe(user.id);
    expect(session.setCookie).toMatch(/authjs\.session-token=[^;]+;.*Expires=/);
  });

  it("signs a logged-out session out of auth() too, and clears its cookie", async () => {
    const user = await userWithPassword();
    const result = (await login(user.email, user.password)) as { cookie: string };
    const token = await decode({ token: result.cookie.split("=")[1]!, secret: env.AUTH_SECRET, salt: "authjs.session-token" });
    await revokeSession({ db, redis, clock: systemClock, config: configFromEnv() }, { userId: user.id, sessionId: token!.sid as string, authAt: token!.authAt as number });

    const session = await readSession(result.cookie);
    expect(session.body).toBeNull();
    expect(session.setCookie).toMatch(/authjs\.session-token=;/);
  });

  it("signs every session out after 'log out everywhere', and refuses tokens past the absolute lifetime or without state claims", async () => {
    const user = await userWithPassword();
    const result = (await login(user.email, user.password)) as { cookie: string };
    await revokeAllSessions({ db, redis, clock: systemClock, config: configFromEnv() }, { userId: user.id });
    expect((await readSession(result.cookie)).body).toBeNull();

    const tooOld = await sessionCookieFor(user, { sessionVersion: 1, authAt: Math.floor(Date.now() / 1000) - env.SESSION_MAX_AGE_S - 1 });
    expect((await readSession(tooOld)).body).toBeNull();
    expect((await readSession(await sessionCookieFor(user, { sessionVersion: 1 }))).body?.user?.id).toBe(user.id);
  });

  it("takes about as long for an unknown email as for a wrong password (dummy hash)", async () => {
    // Several accounts, so no account reaches its 5-failure limit during the measurement.
    const accounts = await Promise.all(Array.from({ length: 8 }, () => userWithPassword()));
    const timed = async (email: string) => {
      const started = performance.now();
      await login(email, "Wrong-pass1!");
      return performance.now() - started;
    };
    // Warm-up: the dummy hash is computed on first use, and the first queries open connections.
    await timed(`warm-${uniqueSuffix()}@test.flashmart.local`);
    await timed(accounts[0]!.email);

    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let round = 0; round < 24; round++) {
      // Interleaved, so background load on a shared machine hits both series alike.
      unknown.push(await timed(`unknown-${round}-${uniqueSuffix()}@test.flashmart.local`));
      wrong.push(await timed(accounts[(round % 7) + 1]!.email));
    }
    const ratio = median(unknown) / median(wrong);
    console.info(`login timing: unknown email median ${median(unknown).toFixed(1)} ms, wrong password median ${median(wrong).toFixed(1)} ms`);
    // Without the dummy hash an unknown email skips argon2 (~15 ms) and answers in ~1–2 ms: a ratio near 0.1.
    expect(ratio).toBeGreaterThan(0.7);
    expect(ratio).toBeLessThan(1.4);
  });
});
