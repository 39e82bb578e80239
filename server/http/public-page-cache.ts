import { createHash, randomBytes } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { promisify } from "node:util";
import { brotliCompress, constants as zlibConstants, gzip } from "node:zlib";

import Negotiator from "negotiator";

import { publicPageTags } from "~/server/domain/public-pages.ts";
import { publicPageContentSecurityPolicy } from "~/server/http/content-security-policy.ts";
import { PUBLIC_RENDER_HEADER } from "~/server/http/public-page-registry.ts";
import { SESSION_COOKIE_NAMES } from "~/server/session.ts";

/**
 * Public pages (home and search, product, sale, login, signup) served from memory before Next's pipeline.
 *
 * Next renders a page at ~100–200 req/s here; a sale's opening brings thousands of viewers who all see the same HTML.
 * So the server keeps each public page's HTML for a short lifetime and answers repeats from memory. A page enters the
 * cache through an anonymous render (no cookie; the render request carries PUBLIC_RENDER_HEADER so the layout leaves
 * the visitor's parts to client islands), so the cached HTML is the same for everybody and holds nothing personal.
 * Renders are single-flight per URL: however many viewers arrive, a page renders at most once per lifetime. Writes
 * drop pages by tag (server/domain/public-pages.ts) so edits show at once; live sale state comes from sale.status on
 * the client and always wins over the HTML.
 */

/**
 * Benchmark/test builds only (PUBLIC_PAGE_CACHE_STATS): how many times the origin rendered this page so far, and
 * whether this answer came from memory. Production answers carry neither: they describe the server, not the page.
 */
export const RENDER_COUNT_HEADER = "x-origin-renders";
export const CACHE_STATUS_HEADER = "x-page-cache";

export type PublicPageRoute = { key: string; tags: readonly string[]; isAnonymousOnly: boolean };
export type RenderedPage = { status: number; headers: Record<string, string>; body: Buffer };

type CacheStatus = "HIT" | "STALE" | "MISS";
type Encoding = "br" | "gzip" | "identity";
type Variant = { body: Buffer; headersByStatus: Record<CacheStatus, Record<string, string>> };
/**
 * A rendered page as it is answered: compressed once per render, not per hit (a browser storm on a proxy that gzips
 * each answer costs it several times the CPU of the page itself), with complete response headers for each encoding
 * and cache status built once too. Uncacheable answers (errors, redirects) have only their identity variant.
 */
type Entry = { status: number; variants: Partial<Record<Encoding, Variant>> & { identity: Variant }; isCacheable: boolean; freshUntil: number; staleUntil: number; tags: readonly string[] };

const MAX_URL_LENGTH = 512;
// Headers by which a request asks Next for something other than the page's HTML (client navigation, prefetch, action).
const NEXT_ROUTER_HEADERS = ["rsc", "next-router-prefetch", "next-router-state-tree", "next-router-segment-prefetch", "next-action"];
// Next answers the same URL with HTML or an RSC payload depending on these, so a shared cache must key on them; and the
// body's encoding follows Accept-Encoding.
const VARY = "RSC, Next-Router-State-Tree, Next-Router-Prefetch, Next-Router-Segment-Prefetch, Accept-Encoding";
const ENCODINGS_BY_PREFERENCE: readonly Encoding[] = ["br", "gzip", "identity"];
const compressBrotli = promisify(brotliCompress);
const compressGzip = promisify(gzip);

/** Both run on libuv's thread pool, off the event loop that answers the hits. Quality 5 / level 6: fast, ~4× smaller. */
async function compressedVariants(body: Buffer) {
  const [br, gz] = await Promise.all([
    compressBrotli(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5, [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
    compressGzip(body, { level: 6 }),
  ]);
  return { br, gzip: gz };
}

// Clients send a handful of distinct Accept-Encoding values; each is negotiated once (RFC 9110 q-values, ties go to
// the smaller encoding), not on every hit. Bounded, since the header is the client's to choose.
const negotiatedEncodings = new Map<string, Encoding>();
const MAX_NEGOTIATED_ENCODINGS = 256;

/** The encoding to answer with; identity when the client names none we have (or refuses them all with q=0). */
export function preferredEncoding(acceptEncoding: string | undefined): Encoding {
  if (!acceptEncoding) return "identity";
  const known = negotiatedEncodings.get(acceptEncoding);
  if (known) return known;
  const negotiator = new Negotiator({ headers: { "accept-encoding": acceptEncoding } }) as Negotiator & {
    encoding(available: readonly string[], options: { preferred: readonly string[] }): string | undefined;
  };
  const chosen = (negotiator.encoding(ENCODINGS_BY_PREFERENCE, { preferred: ENCODINGS_BY_PREFERENCE }) ?? "identity") as Encoding;
  if (negotiatedEncodings.size >= MAX_NEGOTIATED_ENCODINGS) negotiatedEncodings.clear();
  negotiatedEncodings.set(acceptEncoding, chosen);
  return chosen;
}
// Headers of the rendered response a cached copy keeps; everything else (cookies, caching, length, CSP) is set here.
const KEPT_HEADERS = ["content-type", "x-content-type-options", "referrer-policy", "x-frame-options", "permissions-policy", "strict-transport-security"];

/**
 * Which public page a request is, or null when it must go to Next as it is: not a GET/HEAD for a page's HTML, a
 * private page, or login/signup for a signed-in visitor (those pages redirect signed-in people, so they are shared
 * only among anonymous ones).
 */
export function classifyPublicPage(req: { method?: string; url?: string; headers: IncomingHttpHeaders }): PublicPageRoute | null {
  const url = req.url ?? "/";
  if ((req.method !== "GET" && req.method !== "HEAD") || url.length > MAX_URL_LENGTH) return null;
  if (NEXT_ROUTER_HEADERS.some((name) => req.headers[name] !== undefined)) return null;

  const queryAt = url.indexOf("?");
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  if (queryAt !== -1 && /[?&]_rsc=/.test(url.slice(queryAt))) return null;

  if (path === "/") return { key: url, tags: [publicPageTags.catalog, publicPageTags.sales], isAnonymousOnly: false };
  const product = /^\/products\/(\d{1,10})$/.exec(path);
  if (product) return { key: url, tags: [publicPageTags.product(Number(product[1]))], isAnonymousOnly: false };
  const sale = /^\/sales\/(\d{1,10})$/.exec(path);
  if (sale) return { key: url, tags: [publicPageTags.sale(Number(sale[1])), publicPageTags.salePages], isAnonymousOnly: false };
  if (path === "/login" || path === "/signup") {
    if (hasSessionCookie(req.headers.cookie)) return null;
    return { key: url, tags: [publicPageTags.auth], isAnonymousOnly: true };
  }
  return null;
}

function hasSessionCookie(cookie: string | undefined) {
  return cookie !== undefined && SESSION_COOKIE_NAMES.some((name) => cookie.includes(`${name}=`));
}

/** SHA-256 (base64) of every inline script of a page, for its Content-Security-Policy. */
export function inlineScriptHashes(html: string) {
  const hashes = new Set<string>();
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const [, attributes = "", content = ""] = match;
    if (/\bsrc\s*=/i.test(attributes) || content.length === 0) continue;
    hashes.add(createHash("sha256").update(content, "utf8").digest("base64"));
  }
  return [...hashes];
}

export type PublicPageCacheOptions = {
  /** How long a render is served as fresh. */
  ttlMs: number;
  /** After that, how long it may still be served while one background render replaces it. */
  staleMs: number;
  maxEntries?: number;
  isProduction: boolean;
  /** Adds RENDER_COUNT_HEADER and CACHE_STATUS_HEADER to every answer (benchmarks and tests). */
  exposeStats?: boolean;
  /** Renders a page anonymously (the server's own request to itself, see createLoopbackRenderer). */
  render: (url: string) => Promise<RenderedPage>;
  nowMs?: () => number;
  onRenderError?: (error: unknown, url: string) => void;
};

export type PublicPageCache = ReturnType<typeof createPublicPageCache>;

export function createPublicPageCache(options: PublicPageCacheOptions) {
  const nowMs = options.nowMs ?? Date.now;
  const maxEntries = options.maxEntries ?? 1_000;
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Entry>>();
  // Kept only when exposed: one key per URL ever rendered, which nothing else bounds.
  const renderCounts = options.exposeStats ? new Map<string, number>() : null;
  // Bumped by every invalidation: a render that started before one must not enter the cache after it.
  let generation = 0;

  const cacheControl = `public, max-age=0, s-maxage=${Math.max(1, Math.round(options.ttlMs / 1000))}, stale-while-revalidate=${Math.max(1, Math.round(options.staleMs / 1000))}`;

  /** `renderedAt`: a copy's lifetime counts from when its content was made, not from when compressing it finished. */
  async function toEntry(route: PublicPageRoute, page: RenderedPage, renderedAt: number): Promise<Entry> {
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = page.headers[name];
      if (value !== undefined) headers[name] = value;
    }
    const isHtml = headers["content-type"]?.startsWith("text/html") ?? false;
    const isCacheable = page.status === 200 && isHtml;
    headers["cache-control"] = isCacheable ? cacheControl : "private, no-cache, no-store, max-age=0, must-revalidate";
    headers.vary = VARY;
    if (page.headers.location !== undefined) headers.location = page.headers.location;
    if (isHtml) {
      headers["content-security-policy"] = publicPageContentSecurityPolicy({
        scriptHashes: inlineScriptHashes(page.body.toString("utf8")),
        isProduction: options.isProduction,
      });
    }
    if (renderCounts) headers[RENDER_COUNT_HEADER] = String(renderCounts.get(route.key) ?? 0);

    const variant = (body: Buffer, encoding: Encoding): Variant => {
      const variantHeaders = { ...headers, "content-length": String(body.length), ...(encoding === "identity" ? {} : { "content-encoding": encoding }) };
      const withStatus = (status: CacheStatus) => (options.exposeStats ? { ...variantHeaders, [CACHE_STATUS_HEADER]: status } : variantHeaders);
      return { body, headersByStatus: { HIT: withStatus("HIT"), STALE: withStatus("STALE"), MISS: withStatus("MISS") } };
    };
    const compressed = isCacheable ? await compressedVariants(page.body) : null;
    const variants = {
      identity: variant(page.body, "identity"),
      ...(compressed ? { br: variant(compressed.br, "br"), gzip: variant(compressed.gzip, "gzip") } : {}),
    };
    return {
      status: page.status,
      variants,
      tags: route.tags,
      isCacheable,
      freshUntil: isCacheable ? renderedAt + options.ttlMs : renderedAt,
      staleUntil: isCacheable ? renderedAt + options.ttlMs + options.staleMs : renderedAt,
    };
  }

  function renderOnce(route: PublicPageRoute): Promise<Entry> {
    const pending = inFlight.get(route.key);
    if (pending) return pending;
    const startedAt = generation;
    const rendering = (async () => {
      renderCounts?.set(route.key, (renderCounts.get(route.key) ?? 0) + 1);
      const page = await options.render(route.key);
      const entry = await toEntry(route, page, nowMs());
      if (entry.isCacheable && startedAt === generation) store(route.key, entry);
      return entry;
    })().finally(() => inFlight.delete(route.key));
    inFlight.set(route.key, rendering);
    return rendering;
  }

  function store(key: string, entry: Entry) {
    entries.delete(key);
    entries.set(key, entry);
    // Map order is insertion order: the first key is the least recently stored page.
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
  }

  function write(req: IncomingMessage, res: ServerResponse, entry: Entry, status: CacheStatus) {
    const variant = entry.variants[preferredEncoding(req.headers["accept-encoding"])] ?? entry.variants.identity;
    res.writeHead(entry.status, variant.headersByStatus[status]);
    res.end(req.method === "HEAD" ? undefined : variant.body);
  }

  return {
    /** Answers a public page request from the cache, rendering it first when it has none or an expired copy. */
    async serve(req: IncomingMessage, res: ServerResponse, route: PublicPageRoute) {
      const now = nowMs();
      const entry = entries.get(route.key);
      if (entry && now < entry.freshUntil) return write(req, res, entry, "HIT");
      if (entry && now < entry.staleUntil) {
        renderOnce(route).catch((error: unknown) => options.onRenderError?.(error, route.key));
        return write(req, res, entry, "STALE");
      }
      write(req, res, await renderOnce(route), "MISS");
    },

    invalidate(tags: readonly string[]) {
      generation += 1;
      for (const [key, entry] of entries) {
        if (entry.tags.some((tag) => tags.includes(tag))) entries.delete(key);
      }
    },

    /** Drops every page (the invalidation feed lost entries, so any page may be out of date). */
    invalidateAll() {
      generation += 1;
      entries.clear();
    },
  };
}

/**
 * Renders a page through the server itself, anonymously: no cookies, an identity encoding (the cache stores plain
 * bytes), and the per-process token in PUBLIC_RENDER_HEADER so the server sends this one request on to Next instead
 * of answering it from the cache. Any client copy of that header without the token is removed (acceptRenderToken).
 */
export function createLoopbackRenderer(origin: () => string) {
  const token = randomBytes(16).toString("hex");
  return {
    /** True for the server's own render request; strips a forged header from any other. */
    acceptRenderToken(req: IncomingMessage) {
      const value = req.headers[PUBLIC_RENDER_HEADER];
      if (value === undefined) return false;
      if (value === token) return true;
      delete req.headers[PUBLIC_RENDER_HEADER];
      return false;
    },
    async render(url: string): Promise<RenderedPage> {
      const response = await fetch(`${origin()}${url}`, {
        headers: { [PUBLIC_RENDER_HEADER]: token, accept: "text/html", "accept-encoding": "identity" },
        redirect: "manual",
      });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) };
    },
  };
}
