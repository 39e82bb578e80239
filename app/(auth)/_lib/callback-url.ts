/**
 * Where to go after signing in. Only same-site paths are accepted: "//evil.example" and "/\evil.example" are
 * protocol-relative in browsers, so they are refused like absolute URLs. Returning to /login itself would loop.
 */
export function safeCallbackUrl(raw: unknown) {
  if (typeof raw !== "string" || raw.length > 2048) return "/";
  if (!raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return "/";
  if (raw === "/login" || raw.startsWith("/login?") || raw.startsWith("/login/")) return "/";
  return raw;
}
