"use server";

import { AuthError, type CredentialsSignin } from "next-auth";

import { safeCallbackUrl } from "~/app/(auth)/_lib/callback-url.ts";
import { loginErrorFor } from "~/app/(auth)/login/login-errors.ts";
import { ko } from "~/app/_i18n/ko.ts";
import { signIn } from "~/server/auth.ts";

export type LoginState = { error: string | null; email: string; isUnverified: boolean };

function formText(formData: FormData, name: string) {
  const value = formData.get(name);
  return typeof value === "string" ? value : "";
}

/**
 * Signs in with email and password. On success signIn() redirects by throwing Next's redirect error, which must
 * propagate; only Auth.js errors become form messages. Rate limits and the unverified check run in authorize().
 */
export async function login(_previous: LoginState, formData: FormData): Promise<LoginState> {
  const email = formText(formData, "email").trim();
  const password = formText(formData, "password");
  const redirectTo = safeCallbackUrl(formData.get("callbackUrl"));

  try {
    await signIn("credentials", { email, password, redirectTo });
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    if (error.type === "CredentialsSignin") return { ...loginErrorFor((error as CredentialsSignin).code), email };
    // Any other Auth.js error (e.g. the database was unreachable in authorize) is already logged by Auth.js.
    return { error: ko.auth.failed, email, isUnverified: false };
  }

  return { error: null, email, isUnverified: false };
}
