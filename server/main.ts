/**
 * The app's own server process: /api/trpc/* goes straight to tRPC's Node adapter, everything else to Next.
 * Next's per-request pipeline caps near 1,200 req/s on our machines, so the hot API must not pass through it.
 */
import "~/server/load-env.ts";

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

import next from "next";

import { SERVICE_UNAVAILABLE_RETRY_AFTER_S } from "~/server/api/errors.ts";
import { appDeps } from "~/server/app.ts";
import { checkHealth } from "~/server/domain/system/check-health.ts";
import { env } from "~/server/env.js";
import { stampClientIp } from "~/server/http/client-ip.ts";
import { runWithDependencyFailureStatus } from "~/server/http/dependency-failure-scope.ts";
import { createDependencyGate, SERVICE_UNAVAILABLE_HTML } from "~/server/http/dependency-gate.ts";
import { classifyPublicPage, createLoopbackRenderer, createPublicPageCache } from "~/server/http/public-page-cache.ts";
import { followPublicPageFeed } from "~/server/http/public-page-feed.ts";
import { publicPageOrigin, registerPublicPageCache } from "~/server/http/public-page-registry.ts";
import { handleTestClock, TEST_CLOCK_PATH } from "~/server/http/test-clock-hook.ts";
import { createTrpcNodeHandler, TRPC_BASE_PATH } from "~/server/http/trpc-node-handler.ts";
import { logger } from "~/server/logger.ts";

const isDev = env.NODE_ENV !== "production";
const nextApp = next({ dev: isDev, dir: new URL("..", import.meta.url).pathname, hostname: "localhost", port: env.PORT });
const handleNext = nextApp.getRequestHandler();
const handleTrpc = createTrpcNodeHandler();
const dependencyGate = createDependencyGate({ check: async () => (await checkHealth(appDeps())).ok });
// Static assets never touch MySQL or Redis; everything else is a page or route that may.
const isStaticAsset = (url: string) => url.startsWith("/_next/") || url.startsWith("/images/") || url === "/favicon.ico";

await nextApp.prepare();

// Public pages are answered from memory in production (server/http/public-page-cache.ts); development renders each time.
const pageCacheConfig = appDeps().config.publicPageCache;
const loopback = createLoopbackRenderer(() => `http://127.0.0.1:${(server.address() as { port: number }).port}`);
const publicPages =
  isDev || pageCacheConfig.ttlMs === 0
    ? null
    : createPublicPageCache({
        ttlMs: pageCacheConfig.ttlMs,
        staleMs: pageCacheConfig.staleMs,
        exposeStats: pageCacheConfig.exposeStats,
        isProduction: !isDev,
        render: loopback.render,
        onRenderError: (error, url) => logger.error({ err: error, url }, "public page render failed"),
      });
if (publicPages) {
  registerPublicPageCache(publicPages);
  // Other processes' writes reach this instance's pages through the invalidation feed.
  followPublicPageFeed({ redis: appDeps().redis, origin: publicPageOrigin(), cache: publicPages });
}

const server = createServer((req, res) => {
  // Behind a load balancer, says which instance answered (tests and the instances drill count the spread by it).
  if (env.INSTANCE_ID) res.setHeader("x-instance", env.INSTANCE_ID);
  if (req.url?.startsWith(TRPC_BASE_PATH)) {
    handleTrpc(req, res);
    return;
  }
  if (env.ENABLE_TEST_CLOCK && req.url === TEST_CLOCK_PATH) {
    handleTestClock(req, res);
    return;
  }
  // Before Next's pipeline: a cached public page costs a map lookup. The server's own render requests go on to Next.
  const isOwnRender = loopback.acceptRenderToken(req);
  const publicPage = publicPages && !isOwnRender ? classifyPublicPage(req) : null;
  if (publicPages && publicPage) {
    publicPages.serve(req, res, publicPage).catch((error: unknown) => {
      logger.error({ err: error, url: req.url }, "public page cache failed; rendering directly");
      if (!res.headersSent) void serveNext(req, res);
    });
    return;
  }
  void serveNext(req, res);
});

async function serveNext(req: IncomingMessage, res: ServerResponse) {
  // Auth.js's authorize and server actions rate-limit by this header; any client-sent copy is overwritten here.
  stampClientIp(req);
  if (!isStaticAsset(req.url ?? "/") && !(await dependencyGate.isHealthy())) {
    res.writeHead(503, { "content-type": "text/html; charset=utf-8", "retry-after": String(SERVICE_UNAVAILABLE_RETRY_AFTER_S), "cache-control": "no-store" });
    res.end(SERVICE_UNAVAILABLE_HTML);
    return;
  }
  await runWithDependencyFailureStatus(res, SERVICE_UNAVAILABLE_RETRY_AFTER_S, () => handleNext(req, res)).catch((error: unknown) => {
    logger.error({ err: error, url: req.url }, "next request failed");
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
    res.end("Internal Server Error");
  });
}
server.keepAliveTimeout = 65_000;

server.listen(env.PORT, env.HOST, () => {
  logger.info({ url: env.APP_URL, port: env.PORT, mode: isDev ? "development" : "production" }, "FlashMart is listening");
});

function shutdown(signal: string) {
  logger.info({ signal }, "shutting down");
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 5_000).unref();
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
