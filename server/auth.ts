import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";

import { db } from "~/server/db.ts";
import { env } from "~/server/env.js";
import { credentialsInput, verifyCredentials } from "~/server/domain/auth/verify-credentials.ts";

class UnverifiedEmail extends CredentialsSignin {
  code = "unverified";
}

declare module "next-auth" {
  interface User {
    role?: "USER" | "ADMIN";
  }
  interface Session {
    user: { id: string; role: "USER" | "ADMIN"; name?: string | null; email?: string | null };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: "USER" | "ADMIN";
    sid?: string;
  }
}

export const authConfig = {
  session: { strategy: "jwt", maxAge: env.SESSION_MAX_AGE_S, updateAge: 60 * 60 },
  secret: env.AUTH_SECRET,
  trustHost: true,
  pages: { signIn: "/login" },
  providers: [
    Credentials({
      credentials: { email: { label: "이메일" }, password: { label: "비밀번호", type: "password" } },
      async authorize(raw) {
        const parsed = credentialsInput.safeParse(raw);
        if (!parsed.success) return null;
        const result = await verifyCredentials({ db }, parsed.data);
        if (!result.ok) {
          if (result.reason === "UNVERIFIED") throw new UnverifiedEmail();
          return null;
        }
        return { id: result.user.id, role: result.user.role };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) {
        token.sub = user.id;
        token.role = user.role ?? "USER";
        // A per-session id lets the accounts layer revoke one session without touching the others.
        token.sid = crypto.randomUUID();
      }
      return token;
    },
    session({ session, token }) {
      session.user = { ...session.user, id: token.sub ?? "", role: token.role === "ADMIN" ? "ADMIN" : "USER" };
      return session;
    },
  },
} satisfies NextAuthConfig;

export const { handlers, auth, signIn, signOut } = NextAuth(authConfig);
