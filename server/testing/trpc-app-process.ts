/**
 * The app's API as a process of its own, for drills that load it over real HTTP from another process:
 * `PORT=4123 node --import tsx server/testing/trpc-app-process.ts`.
 *
 * It is server/main.ts without Next (pages need a build; drills only call tRPC): the same Node tRPC handler with the
 * production dependencies — the shared Prisma client (DATABASE_POOL_SIZE), Redis, the app clock and the default
 * payment gateway at PAYMENT_PROVIDER_URL with its default timeouts and circuit breaker. No due work runs here (the
 * in-process runner is started by Next's instrumentation hook), so the drill decides when due work happens.
 */
import "~/server/load-env.ts";

import { createServer } from "node:http";

import { env } from "~/server/env.js";
import { createTrpcNodeHandler } from "~/server/http/trpc-node-handler.ts";
import { logger } from "~/server/logger.ts";

const handleTrpc = createTrpcNodeHandler();
const server = createServer(handleTrpc);
// As server/main.ts: longer than any proxy's idle timeout, so keep-alive clients are never cut mid-request.
server.keepAliveTimeout = 65_000;

server.listen(env.PORT, "127.0.0.1", () => {
  logger.info({ port: env.PORT, poolSize: env.DATABASE_POOL_SIZE, paymentTimeoutMs: env.PAYMENT_TIMEOUT_MS }, "tRPC API process listening");
});

function shutdown() {
  server.closeAllConnections();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
