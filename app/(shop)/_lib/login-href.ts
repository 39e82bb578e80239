/** Where a signed-out shopper goes to sign in and then come back to `returnTo` (a same-site path). */
export function loginHref(returnTo: string) {
  return `/login?callbackUrl=${encodeURIComponent(returnTo)}`;
}

/** The page the browser is on, for coming back to it after signing in. Only called in event handlers. */
export function currentPath() {
  return `${window.location.pathname}${window.location.search}`;
}
