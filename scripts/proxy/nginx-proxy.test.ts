/**
 * The production front's caching, through a real nginx (Debian nginx-light, as a normal user) in front of the app's own
 * public page cache with a stand-in render: browsers get the page compressed once per render and cached per encoding,
 * Next's router requests and private pages never touch the micro-cache.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { classifyPublicPage, createPublicPageCache } from "~/server/http/public-page-cache.ts";
import { freePort, waitForHttp } from "~/server/testing/child-processes.ts";
import { rawGet } from "~/server/testing/http.ts";
import { nginxConfig, prepareNginxPrefix } from "~/scripts/proxy/nginx-config.ts";

const NGINX = "/usr/sbin/nginx";
const PAGE = `<!DOCTYPE html><html><body>${"<p>오늘 10시 오픈</p>".repeat(300)}</body></html>`;

/** What reached the upstream: path, the Accept-Encoding nginx passed on, and whether it was a router request. */
const upstreamRequests: { url: string; acceptEncoding: string | undefined; isRouterRequest: boolean }[] = [];
let upstream: Server;
let nginx: ChildProcess;
let prefix: string;
let proxyUrl: string;

const countOf = (url: string, filter: (request: (typeof upstreamRequests)[number]) => boolean = () => true) =>
  upstreamRequests.filter((request) => request.url === url && filter(request)).length;

describe.runIf(existsSync(NGINX))("nginx in front of the public page cache", () => {
  beforeAll(async () => {
    // The app's cache with a long lifetime, so every repeat within the test is a hit at nginx or at the app.
    const cache = createPublicPageCache({
      ttlMs: 60_000,
      staleMs: 1_000,
      isProduction: true,
      render: async () => ({ status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body: Buffer.from(PAGE) }),
    });
    upstream = createServer((req, res) => {
      const route = classifyPublicPage(req);
      upstreamRequests.push({ url: req.url ?? "", acceptEncoding: req.headers["accept-encoding"], isRouterRequest: route === null && req.url?.startsWith("/sales/") === true });
      if (req.url === "/account") {
        res.writeHead(200, { "content-type": "text/html", "cache-control": "private, no-store" }).end("mine");
        return;
      }
      if (!route) {
        res.writeHead(200, { "content-type": "text/x-component", "cache-control": "private, no-cache, no-store", vary: "RSC" }).end("rsc payload");
        return;
      }
      void cache.serve(req, res, route);
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));

    prefix = mkdtempSync(join(tmpdir(), "nginx-proxy-test-"));
    const port = await freePort();
    proxyUrl = `http://127.0.0.1:${port}`;
    const { args } = prepareNginxPrefix(prefix, nginxConfig({ listenPort: port, upstreams: [`127.0.0.1:${(upstream.address() as AddressInfo).port}`], prefixDir: prefix }));
    nginx = spawn(NGINX, args, { stdio: "ignore" });
    await waitForHttp(`${proxyUrl}/login`, { child: nginx, timeoutMs: 15_000 });
  });

  afterAll(async () => {
    nginx?.kill("SIGTERM");
    await new Promise<void>((resolve) => (nginx?.exitCode !== null ? resolve() : nginx.once("exit", () => resolve())));
    await new Promise<void>((resolve) => upstream?.close(() => resolve()));
    rmSync(prefix, { recursive: true, force: true });
  });

  it("serves browsers the page as the app compressed it, one upstream fetch per encoding however many load it", async () => {
    const browsers = { chrome: "gzip, deflate, br, zstd", safari: "gzip, deflate, br", old: "gzip, deflate" };
    for (let round = 0; round < 3; round += 1) {
      const chrome = await rawGet(`${proxyUrl}/sales/1`, { "accept-encoding": browsers.chrome });
      expect(chrome.headers["content-encoding"]).toBe("br");
      expect(brotliDecompressSync(chrome.body).toString()).toBe(PAGE);
      const safari = await rawGet(`${proxyUrl}/sales/1`, { "accept-encoding": browsers.safari });
      expect(safari.headers["content-encoding"]).toBe("br");
      const old = await rawGet(`${proxyUrl}/sales/1`, { "accept-encoding": browsers.old });
      expect(old.headers["content-encoding"]).toBe("gzip");
      expect(gunzipSync(old.body).toString()).toBe(PAGE);
      const plain = await rawGet(`${proxyUrl}/sales/1`);
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(plain.body.toString()).toBe(PAGE);
      // Browsers and shared caches downstream still learn what the answer varies on.
      expect(plain.headers.vary).toContain("Accept-Encoding");
    }

    // Two distinct browser headers, one brotli copy: nginx keyed on what the app answers with, not on the raw header.
    expect(countOf("/sales/1")).toBe(3);
    expect(upstreamRequests.filter((request) => request.url === "/sales/1").map((request) => request.acceptEncoding ?? "").sort()).toEqual(["", "br", "gzip"]);
  });

  it("answers a client that refuses brotli and gzip uncompressed", async () => {
    const picky = await rawGet(`${proxyUrl}/sales/2`, { "accept-encoding": "br;q=0, gzip;q=0, identity" });
    expect(picky.headers["content-encoding"]).toBeUndefined();
    expect(picky.body.toString()).toBe(PAGE);
  });

  it("never answers Next's router requests from the cached HTML, nor stores them", async () => {
    await rawGet(`${proxyUrl}/sales/3`);
    for (let round = 0; round < 3; round += 1) {
      const rsc = await rawGet(`${proxyUrl}/sales/3`, { rsc: "1" });
      expect(rsc.body.toString()).toBe("rsc payload");
      const prefetch = await rawGet(`${proxyUrl}/sales/3`, { "next-router-prefetch": "1" });
      expect(prefetch.body.toString()).toBe("rsc payload");
    }
    expect(countOf("/sales/3", (request) => request.isRouterRequest)).toBe(6);
    expect((await rawGet(`${proxyUrl}/sales/3`)).body.toString()).toBe(PAGE);
  });

  it("passes private pages through every time", async () => {
    for (let round = 0; round < 3; round += 1) expect((await rawGet(`${proxyUrl}/account`)).body.toString()).toBe("mine");
    expect(countOf("/account")).toBe(3);
  });
});
