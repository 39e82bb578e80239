/**
 * The public page cache over real HTTP: what it caches, the headers a shared cache (nginx) relies on, single-flight
 * renders, lifetimes on an injected clock, and invalidation by tag. The render function stands in for Next (the
 * loopback render is exercised by e2e/public-pages.spec.ts through the built app and nginx).
 */
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliDecompressSync, gunzipSync } from "node:zlib";

import { afterEach, describe, expect, it } from "vitest";

import { productChangedTags, publicPageTags, saleChangedTags } from "~/server/domain/public-pages.ts";
import {
  classifyPublicPage,
  createPublicPageCache,
  inlineScriptHashes,
  preferredEncoding,
  RENDER_COUNT_HEADER,
  type RenderedPage,
} from "~/server/http/public-page-cache.ts";
import { invalidateRegisteredPublicPages, registerPublicPageCache } from "~/server/http/public-page-registry.ts";
import { rawGet } from "~/server/testing/http.ts";

const INLINE_SCRIPT = "self.__next_f.push([1,\"hello\"])";
const PAGE_HTML = `<!DOCTYPE html><html><head><script src="/_next/static/chunks/a.js" async=""></script></head><body><p>sale</p><script nonce="abc">${INLINE_SCRIPT}</script></body></html>`;

function htmlPage(body = PAGE_HTML, extraHeaders: Record<string, string> = {}): RenderedPage {
  return {
    status: 200,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "x-frame-options": "DENY",
      // What Next sends on a dynamic page; the cache must replace both.
      "cache-control": "private, no-cache, no-store, max-age=0, must-revalidate",
      "set-cookie": "authjs.session-token=someone; Path=/; HttpOnly",
      ...extraHeaders,
    },
    body: Buffer.from(body),
  };
}

type Harness = { url: string; server: Server; renders: string[]; clock: { ms: number }; cache: ReturnType<typeof createPublicPageCache> };
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

async function startCache(options: { render?: (url: string) => Promise<RenderedPage>; ttlMs?: number; staleMs?: number; exposeStats?: boolean } = {}): Promise<Harness> {
  const renders: string[] = [];
  const clock = { ms: 1_000_000 };
  const cache = createPublicPageCache({
    ttlMs: options.ttlMs ?? 1_000,
    staleMs: options.staleMs ?? 1_000,
    isProduction: true,
    exposeStats: options.exposeStats ?? true,
    nowMs: () => clock.ms,
    render: async (url) => {
      renders.push(url);
      return (options.render ?? (async () => htmlPage()))(url);
    },
  });
  const server = createServer((req, res) => {
    const route = classifyPublicPage(req);
    if (!route) {
      res.writeHead(404).end("not public");
      return;
    }
    void cache.serve(req, res, route);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, renders, clock, cache };
}

describe("classifyPublicPage", () => {
  const get = (url: string, headers: Record<string, string> = {}) => classifyPublicPage({ method: "GET", url, headers });

  it("files home, product and sale pages under the tags of what they show", () => {
    expect(get("/")).toEqual({ key: "/", tags: [publicPageTags.catalog, publicPageTags.sales], isAnonymousOnly: false });
    expect(get("/?q=%EC%BB%A4%ED%94%BC&page=2")?.key).toBe("/?q=%EC%BB%A4%ED%94%BC&page=2");
    expect(get("/products/12")?.tags).toEqual(["product:12"]);
    expect(get("/sales/7")?.tags).toEqual(["sale:7", "sale-pages"]);
    expect(get("/login?callbackUrl=%2Fcart")?.tags).toEqual(["auth"]);
    expect(get("/signup")?.isAnonymousOnly).toBe(true);
  });

  it("leaves private pages, the API, non-GET requests and Next's router requests to Next", () => {
    for (const url of ["/cart", "/account", "/account/orders", "/admin", "/checkout?productId=1", "/orders/3", "/wishlist", "/api/trpc/sale.status", "/products/abc", "/sales/1/extra"]) {
      expect(get(url), url).toBeNull();
    }
    expect(classifyPublicPage({ method: "POST", url: "/", headers: {} })).toBeNull();
    expect(get("/sales/1", { rsc: "1" })).toBeNull();
    expect(get("/sales/1", { "next-action": "abc" })).toBeNull();
    expect(get("/sales/1?_rsc=x1y2")).toBeNull();
    expect(get(`/?q=${"a".repeat(600)}`)).toBeNull();
  });

  it("shares login and signup only among anonymous visitors (they redirect signed-in ones), other pages with everybody", () => {
    const cookie = "theme=dark; authjs.session-token=eyJ";
    expect(get("/login", { cookie })).toBeNull();
    expect(get("/signup", { cookie: "__Secure-authjs.session-token=eyJ" })).toBeNull();
    expect(get("/login", { cookie: "theme=dark" })).not.toBeNull();
    expect(get("/sales/1", { cookie })?.key).toBe("/sales/1");
  });
});

describe("public page cache over HTTP", () => {
  it("answers with headers a shared cache may store: public s-maxage, no Set-Cookie, Vary on Next's router headers, a hash CSP", async () => {
    const { url } = await startCache();
    const response = await fetch(`${url}/sales/1`, { headers: { cookie: "authjs.session-token=viewer" } });

    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=0, s-maxage=1, stale-while-revalidate=1");
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(response.headers.get("vary")).toBe("RSC, Next-Router-State-Tree, Next-Router-Prefetch, Next-Router-Segment-Prefetch, Accept-Encoding");
    expect(response.headers.get("x-frame-options")).toBe("DENY");

    const policy = response.headers.get("content-security-policy") ?? "";
    const hash = createHash("sha256").update(INLINE_SCRIPT).digest("base64");
    expect(policy).toContain(`script-src 'self' 'sha256-${hash}'`);
    expect(policy).not.toContain("nonce-");
    expect(policy).not.toContain("strict-dynamic");
    expect(await response.text()).toBe(PAGE_HTML);
  });

  it("answers browsers with the page compressed once per render: brotli, else gzip, else as rendered", async () => {
    const html = `<!DOCTYPE html><html><body>${"<p>한정 수량 세일</p>".repeat(400)}</body></html>`;
    const { url, renders } = await startCache({ render: async () => htmlPage(html) });

    const chrome = await rawGet(`${url}/sales/3`, { "accept-encoding": "gzip, deflate, br, zstd" });
    expect(chrome.headers["content-encoding"]).toBe("br");
    expect(Number(chrome.headers["content-length"])).toBe(chrome.body.length);
    expect(chrome.body.length).toBeLessThan(Buffer.byteLength(html) / 4);
    expect(brotliDecompressSync(chrome.body).toString()).toBe(html);

    const gzipOnly = await rawGet(`${url}/sales/3`, { "accept-encoding": "gzip, deflate" });
    expect(gzipOnly.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gzipOnly.body).toString()).toBe(html);

    for (const acceptEncoding of [undefined, "identity", "br;q=0, gzip;q=0"]) {
      const plain = await rawGet(`${url}/sales/3`, acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding });
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(plain.body.toString()).toBe(html);
      expect(plain.headers.vary).toContain("Accept-Encoding");
    }
    expect(renders).toEqual(["/sales/3"]);
  });

  it("negotiates Accept-Encoding by q-value, preferring brotli on ties", () => {
    expect(preferredEncoding("gzip, deflate, br")).toBe("br");
    expect(preferredEncoding("br;q=0.5, gzip")).toBe("gzip");
    expect(preferredEncoding("*")).toBe("br");
    expect(preferredEncoding("deflate")).toBe("identity");
    expect(preferredEncoding("identity;q=0, gzip;q=0.1")).toBe("gzip");
    expect(preferredEncoding(undefined)).toBe("identity");
  });

  it("tells clients nothing about the cache itself unless stats are asked for (benchmarks and tests)", async () => {
    const { url } = await startCache({ exposeStats: false });
    for (let visit = 0; visit < 2; visit += 1) {
      const response = await fetch(`${url}/sales/1`);
      expect(response.status).toBe(200);
      expect(response.headers.get("x-page-cache")).toBeNull();
      expect(response.headers.get("x-origin-renders")).toBeNull();
    }
  });

  it("renders a page once for many simultaneous viewers, then serves it from memory", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { url, renders } = await startCache({ render: async () => (await gate, htmlPage()) });

    const viewers = Array.from({ length: 40 }, () => fetch(`${url}/sales/9`));
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    const responses = await Promise.all(viewers);

    expect(renders).toEqual(["/sales/9"]);
    expect(responses.every((response) => response.status === 200)).toBe(true);
    const again = await fetch(`${url}/sales/9`);
    expect(again.headers.get("x-page-cache")).toBe("HIT");
    expect(again.headers.get(RENDER_COUNT_HEADER)).toBe("1");
  });

  it("serves a fresh copy for its lifetime, then the old copy while one background render replaces it, then renders", async () => {
    const { url, renders, clock } = await startCache({ ttlMs: 1_000, staleMs: 1_000 });
    expect((await fetch(`${url}/`)).headers.get("x-page-cache")).toBe("MISS");

    clock.ms += 999;
    expect((await fetch(`${url}/`)).headers.get("x-page-cache")).toBe("HIT");
    expect(renders).toHaveLength(1);

    clock.ms += 1;
    expect((await fetch(`${url}/`)).headers.get("x-page-cache")).toBe("STALE");
    // The background render (compressed off the event loop) replaces the stale copy with a fresh one.
    await expect.poll(async () => (await fetch(`${url}/`)).headers.get("x-page-cache")).toBe("HIT");
    expect(renders).toHaveLength(2);

    clock.ms += 2_000;
    expect((await fetch(`${url}/`)).headers.get("x-page-cache")).toBe("MISS");
    expect(renders).toHaveLength(3);
  });

  it("still caches for the fresh lifetime when no stale window is configured", async () => {
    const { url, renders, clock } = await startCache({ ttlMs: 1_000, staleMs: 0 });
    expect((await fetch(`${url}/`)).headers.get("x-page-cache")).toBe("MISS");
    clock.ms += 999;
    expect((await fetch(`${url}/`)).headers.get("x-page-cache")).toBe("HIT");
    expect(renders).toHaveLength(1);

    clock.ms += 1;
    expect((await fetch(`${url}/`)).headers.get("x-page-cache")).toBe("MISS");
    expect(renders).toHaveLength(2);
  });

  it("drops exactly the pages of an invalidated tag", async () => {
    const { url, renders, cache } = await startCache();
    for (const path of ["/", "/sales/1", "/sales/2", "/products/5"]) await fetch(`${url}${path}`);
    expect(renders).toHaveLength(4);

    cache.invalidate(saleChangedTags(1));
    // The sale's page and the home page (its sales strip) render again; the other sale's page and the product do not.
    for (const path of ["/", "/sales/1", "/sales/2", "/products/5"]) await fetch(`${url}${path}`);
    expect(renders.slice(4).sort()).toEqual(["/", "/sales/1"]);

    // A product edit reaches its page, the catalog and every sale page (any of them may show it).
    cache.invalidate(productChangedTags(5));
    for (const path of ["/", "/sales/1", "/sales/2", "/products/5"]) await fetch(`${url}${path}`);
    expect(renders.slice(6).sort()).toEqual(["/", "/products/5", "/sales/1", "/sales/2"]);
  });

  it("does not keep a render that started before an invalidation", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let version = "old";
    const { url, renders, cache } = await startCache({
      render: async () => {
        const rendered = version;
        await gate;
        return htmlPage(`<p>${rendered}</p>`);
      },
    });

    const inFlight = fetch(`${url}/sales/3`);
    await expect.poll(() => renders.length).toBe(1);
    version = "new";
    cache.invalidate(saleChangedTags(3));
    release();
    expect(await (await inFlight).text()).toBe("<p>old</p>");

    expect(await (await fetch(`${url}/sales/3`)).text()).toBe("<p>new</p>");
  });

  it("passes errors and redirects through without caching them or marking them public", async () => {
    let status = 404;
    const { url, renders } = await startCache({ render: async () => ({ ...htmlPage("<p>없음</p>"), status }) });

    const missing = await fetch(`${url}/products/404`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("cache-control")).toContain("no-store");
    expect(missing.headers.get("set-cookie")).toBeNull();

    status = 200;
    expect((await fetch(`${url}/products/404`)).status).toBe(200);
    expect(renders).toHaveLength(2);
  });

  it("is reached by deps.invalidatePublicPages through the process-wide registry", async () => {
    const { url, renders, cache } = await startCache();
    registerPublicPageCache(cache);
    await fetch(`${url}/sales/4`);
    invalidateRegisteredPublicPages(saleChangedTags(4));
    await fetch(`${url}/sales/4`);
    expect(renders).toEqual(["/sales/4", "/sales/4"]);
  });
});

describe("inlineScriptHashes", () => {
  it("hashes inline scripts only, once each", () => {
    const html = `<script src="/a.js"></script><script>a()</script><script nonce="n">a()</script><script type="application/json">{"x":1}</script><script></script>`;
    const sha = (text: string) => createHash("sha256").update(text).digest("base64");
    expect(inlineScriptHashes(html)).toEqual([sha("a()"), sha('{"x":1}')]);
  });
});
