import { headers } from "next/headers";
import NextAuth, { AuthError, CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";

import { appDeps } from "~/server/app.ts";
import { isSessionActive, revokeSession, sessionLifetimeClock } from "~/server/domain/accounts/session-state.ts";
import { RATE_LIMITED_CODE_PREFIX } from "~/server/auth-codes.ts";
import { authenticatePassword } from "~/server/domain/auth/authenticate-password.ts";
import { credentialsInput } from "~/server/domain/auth/verify-credentials.ts";
import { env } from "~/server/env.js";
import { clientIpFromHeaders } from "~/server/http/client-ip.ts";
import { logger } from "~/server/logger.ts";
import { newSessionClaims, sessionFromCookieHeader } from "~/server/session.ts";

/** The `code` of a failed credentials sign-in: the login form (and /login?error=…&code=…) turns it into copy. */
class UnverifiedEmail extends CredentialsSignin {
  code = "unverified";
}

class LoginRateLimited extends CredentialsSignin {
  constructor(readonly retryAfterS: number) {
    super();
    // The seconds travel in the code because Auth.js's own endpoints only forward `code` to the login page.
    this.code = `${RATE_LIMITED_CODE_PREFIX}${retryAfterS}`;
  }
}


declare module "next-auth" {
  interface User {
    role?: "USER" | "ADMIN";
    sessionVersion?: number;
  }
  interface Session {
    user: { id: string; role: "USER" | "ADMIN"; name?: string | null; email?: string | null };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: "USER" | "ADMIN";
    /** Random per login: lets one session be revoked without touching the others. */
    sid?: string;
    /** User.sessionVersion at login: bumping it ends every older session. */
    sv?: number;
    /** Login time (epoch seconds): the absolute lifetime counts from here, idle refreshes do not move it. */
    authAt?: number;
  }
}

/** Session lifetimes run on the real clock (sessionLifetimeClock), whatever clock the app uses for business time. */
const sessionDeps = () => ({ ...appDeps(), clock: sessionLifetimeClock });

export const authConfig = {
  // maxAge is the idle lifetime: every session read (the proxy runs on each page) re-issues the JWT with a fresh
  // expiry. The absolute lifetime (SESSION_MAX_AGE_S from authAt) is enforced in the jwt callback below.
  session: { strategy: "jwt", maxAge: env.SESSION_IDLE_TIMEOUT_S },
  secret: env.AUTH_SECRET,
  trustHost: true,
  pages: { signIn: "/login" },
  providers: [
    Credentials({
      credentials: { email: { label: "이메일" }, password: { label: "비밀번호", type: "password" } },
      async authorize(raw, request) {
        const parsed = credentialsInput.safeParse(raw);
        if (!parsed.success) return null;

        const result = await authenticatePassword(appDeps(), { ...parsed.data, ip: clientIpFromHeaders(request.headers) });
        if (result.ok) return { id: result.user.id, role: result.user.role, sessionVersion: result.user.sessionVersion };
        if (result.reason === "RATE_LIMITED") throw new LoginRateLimited(result.retryAfterS);
        if (result.reason === "UNVERIFIED") throw new UnverifiedEmail();
        return null;
      },
    }),
  ],
  callbacks: {
    /**
     * Runs on sign-in (with `user`) and on every session read (auth(), the proxy, /api/auth/session). Returning null
     * clears the cookie where the response can carry it and makes auth() report "signed out" everywhere else, so a
     * revoked or too-old session stops working on server components and pages too, not only on tRPC.
     */
    async jwt({ token, user }) {
      if (user?.id) return Object.assign(token, newSessionClaims({ id: user.id, role: user.role ?? "USER", sessionVersion: user.sessionVersion ?? 0 }));
      if (!token.sub || typeof token.sid !== "string" || typeof token.sv !== "number" || typeof token.authAt !== "number") return null;
      const isActive = await isSessionActive(sessionDeps(), { userId: token.sub, sessionId: token.sid, sessionVersion: token.sv, authAt: token.authAt });
      return isActive ? token : null;
    },
    session({ session, token }) {
      session.user = { ...session.user, id: token.sub ?? "", role: token.role === "ADMIN" ? "ADMIN" : "USER" };
      return session;
    },
  },
  events: {
    // Auth.js's own POST /api/auth/signout (CSRF-token protected) lands here; our logout action revokes first itself.
    async signOut(message) {
      const token = "token" in message ? message.token : null;
      if (!token?.sub || typeof token.sid !== "string" || typeof token.authAt !== "number") return;
      await revokeSession(sessionDeps(), { userId: token.sub, sessionId: token.sid, authAt: token.authAt });
    },
  },
  // Auth.js logs whole error objects by default; ours go through the structured logger, and a wrong password is not
  // an error worth alerting on.
  logger: {
    error(error) {
      if (error instanceof CredentialsSignin) return;
      logger.error({ err: error, authErrorType: error instanceof AuthError ? error.type : undefined }, "auth error");
    },
    warn(code) {
      logger.warn({ code }, "auth warning");
    },
    debug() {},
  },
} satisfies NextAuthConfig;

export const { handlers, auth, signIn, signOut } = NextAuth(authConfig);

/**
 * Logout: revokes this session server-side (refused on its next request, wherever the token is replayed), then
 * clears the cookie. A failed revocation throws instead of pretending the session ended.
 */
export async function logOut(options: { redirectTo: string }) {
  const session = await sessionFromCookieHeader((await headers()).get("cookie"));
  if (session?.sessionId && session.authAt !== undefined) {
    await revokeSession(sessionDeps(), { userId: session.id, sessionId: session.sessionId, authAt: session.authAt });
  }
  await signOut({ redirectTo: options.redirectTo });
}
