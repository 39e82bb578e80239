/**
 * The Content-Security-Policy of every page, built per request by proxy.ts with a fresh nonce. Next reads the nonce
 * from the request's CSP header and puts it on its own inline and chunk scripts; 'strict-dynamic' lets those load the
 * rest. An injected <script> has no nonce and does not run, which 'unsafe-inline' would have allowed. Styles stay
 * 'unsafe-inline' (React style attributes, Next's route announcer), which cannot run code.
 */
export function pageContentSecurityPolicy(options: { nonce: string; isProduction: boolean }) {
  return policyWithScriptSources(`'self' 'nonce-${options.nonce}' 'strict-dynamic'`, options.isProduction);
}

/**
 * The policy of a cached public page (server/http/public-page-cache.ts). Its HTML is shared by every visitor, so it
 * cannot carry a per-request nonce (a nonce in shared HTML is public and protects nothing). Instead the policy lists
 * the SHA-256 of each inline script of that exact HTML, computed when the page entered the cache, and 'self' for
 * Next's chunk files (no 'strict-dynamic'): an injected inline script matches no hash and does not run, and script
 * files load only from our own origin.
 */
export function publicPageContentSecurityPolicy(options: { scriptHashes: readonly string[]; isProduction: boolean }) {
  const hashes = options.scriptHashes.map((hash) => ` 'sha256-${hash}'`).join("");
  return policyWithScriptSources(`'self'${hashes}`, options.isProduction);
}

function policyWithScriptSources(scriptSources: string, isProduction: boolean) {
  return [
    "default-src 'self'",
    // Development needs eval for React's debugging and a websocket for hot reload.
    `script-src ${scriptSources}${isProduction ? "" : " 'unsafe-eval'"}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${isProduction ? "" : " ws: wss:"}`,
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
