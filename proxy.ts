import { NextResponse } from "next/server";

import { auth } from "~/server/auth.ts";

/**
 * Route protection before rendering (Node runtime). This is the first gate only: every account and admin page
 * checks the session and role again itself, because a matcher mistake here must not expose anything.
 */
export default auth((req) => {
  const { pathname, search } = req.nextUrl;
  const user = req.auth?.user;

  if (!user?.id) {
    const loginUrl = new URL("/login", req.nextUrl.origin);
    loginUrl.searchParams.set("callbackUrl", `${pathname}${search}`);
    return NextResponse.redirect(loginUrl);
  }

  const isAdminPath = pathname === "/admin" || pathname.startsWith("/admin/");
  if (isAdminPath && user.role !== "ADMIN") {
    return NextResponse.redirect(new URL("/", req.nextUrl.origin));
  }

  return NextResponse.next();
});

export const config = {
  matcher: ["/account", "/account/:path*", "/admin", "/admin/:path*"],
};
