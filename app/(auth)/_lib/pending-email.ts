/**
 * The email waiting for verification, kept in this tab's sessionStorage between sign-up (or a refused login) and the
 * verify page, so the address never travels in a URL (URLs end up in history, logs and Referer headers).
 */
const KEY = "flashmart.pendingVerificationEmail";

export function rememberPendingEmail(email: string) {
  try {
    window.sessionStorage.setItem(KEY, email);
  } catch {
    // Storage can be disabled; the verify page then simply asks for the email.
  }
}

export function readPendingEmail() {
  try {
    return window.sessionStorage.getItem(KEY) ?? "";
  } catch {
    return "";
  }
}
