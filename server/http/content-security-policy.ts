/**
 * The Content-Security-Policy of every page, built per request by proxy.ts with a fresh nonce. Next reads the nonce
 * from the request's CSP header and puts it on its own inline and chunk scripts; 'strict-dynamic' lets those load the
 * rest. An injected <script> has no nonce and does not run, which 'unsafe-inline' would have allowed. Styles stay
 * 'unsafe-inline' (React style attributes, Next's route announcer), which cannot run code.
 */
export function pageContentSecurityPolicy(options: { nonce: string; isProduction: boolean }) {
  return [
    "default-src 'self'",
    // Development needs eval for React's debugging and a websocket for hot reload.
    `script-src 'self' 'nonce-${options.nonce}' 'strict-dynamic'${options.isProduction ? "" : " 'unsafe-eval'"}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${options.isProduction ? "" : " ws: wss:"}`,
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join("; ");
}

/** A fresh nonce: 128 random bits, base64. */
export function createNonce() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
