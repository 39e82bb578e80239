import { NextResponse } from "next/server";

import { auth } from "~/server/auth.ts";
import { env } from "~/server/env.js";
import { createNonce, pageContentSecurityPolicy } from "~/server/http/content-security-policy.ts";

/** Pages that need a signed-in user. Each of them checks the session again itself; this is the first gate only. */
const PROTECTED_PATHS = ["/account", "/admin", "/cart", "/wishlist", "/checkout", "/orders"];
const ADMIN_PATH = "/admin";

function isWithin(pathname: string, base: string) {
  return pathname === base || pathname.startsWith(`${base}/`);
}

/**
 * Runs before every page (Node runtime):
 * - reads the session through Auth.js, whose jwt callback refuses revoked and too-old sessions and re-issues the
 *   cookie with a fresh idle expiry (this is the idle refresh), or clears it;
 * - sends anonymous visitors of protected pages to the login page with a return URL, and shows USERs the 403 page
 *   on admin pages;
 * - sets a per-request nonce-based Content-Security-Policy.
 */
export default auth((req) => {
  const { pathname, search } = req.nextUrl;
  const user = req.auth?.user?.id ? req.auth.user : null;

  if (!user && PROTECTED_PATHS.some((base) => isWithin(pathname, base))) {
    const loginUrl = new URL("/login", req.nextUrl.origin);
    loginUrl.searchParams.set("callbackUrl", `${pathname}${search}`);
    return NextResponse.redirect(loginUrl);
  }

  const contentSecurityPolicy = pageContentSecurityPolicy({ nonce: createNonce(), isProduction: env.NODE_ENV === "production" });
  const requestHeaders = new Headers(req.headers);
  requestHeaders.set("content-security-policy", contentSecurityPolicy);

  const response =
    user && isWithin(pathname, ADMIN_PATH) && user.role !== "ADMIN"
      ? NextResponse.rewrite(new URL("/forbidden", req.nextUrl.origin), { request: { headers: requestHeaders } })
      : NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", contentSecurityPolicy);
  return response;
});

export const config = {
  // Every page, not only protected ones: the idle refresh and the CSP apply everywhere. API routes, static files and
  // images are left out (the tRPC API never reaches Next; /api/auth is Auth.js itself).
  matcher: ["/((?!api/|_next/static/|_next/image|images/|favicon.ico).*)"],
};
