import { accountKo } from "~/app/_i18n/account.ts";
import { ko } from "~/app/_i18n/ko.ts";
import { retryAfterFromSignInCode } from "~/server/auth-codes.ts";

/** Form copy for a failed credentials sign-in, by the CredentialsSignin code authorize() threw. */
export function loginErrorFor(code: string | undefined) {
  const retryAfterS = retryAfterFromSignInCode(code);
  if (retryAfterS) return { error: accountKo.login.rateLimited(retryAfterS), isUnverified: false };
  if (code === "unverified") return { error: accountKo.login.unverified, isUnverified: true };
  return { error: ko.auth.invalidCredentials, isUnverified: false };
}
