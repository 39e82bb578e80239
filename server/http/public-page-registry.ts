/**
 * What the rest of the app needs from the server's public page cache (server/http/public-page-cache.ts), without
 * loading it: the header that marks its anonymous renders, and a way to reach it for invalidation.
 */

/** Set only on the server's own cache-fill requests; the layout reads it to render the visitor-neutral header. */
export const PUBLIC_RENDER_HEADER = "x-flashmart-public-render";

// Next's bundles and the custom server load separate copies of this module; the registry on globalThis lets a write
// made anywhere (a tRPC mutation, a server action, due work) reach the one cache the server serves from.
const registry = globalThis as unknown as { flashmartPublicPageCache?: { invalidate: (tags: readonly string[]) => void }; flashmartPublicPageOrigin?: string };

export function registerPublicPageCache(cache: { invalidate: (tags: readonly string[]) => void }) {
  registry.flashmartPublicPageCache = cache;
}

/** deps.invalidatePublicPages of the running app: a no-op in processes that serve no pages (scripts, tests, workers). */
export function invalidateRegisteredPublicPages(tags: readonly string[]) {
  registry.flashmartPublicPageCache?.invalidate(tags);
}

/** This process's name on the invalidation feed (server/http/public-page-feed.ts), the same in every module copy. */
export function publicPageOrigin() {
  registry.flashmartPublicPageOrigin ??= `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  return registry.flashmartPublicPageOrigin;
}
