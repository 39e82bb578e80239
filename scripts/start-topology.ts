/**
 * Several app instances behind nginx: `npm run start:instances [-- --instances 3 --base-port 3001 --port 8080
 * --sandbox-port 4010 --build --reset]`.
 *
 * Builds if the dist directory holds no build (or with --build), then starts --instances `server/main.ts` processes
 * on consecutive ports from --base-port, sharing the database and Redis of the environment (.env.local) and one
 * payment sandbox, and nginx on --port in front of them (scripts/start-proxy.ts). Each instance names itself in an
 * `x-instance` response header. Like `npm start`, it migrates first and seeds demo data into an empty database; --reset
 * drops the database and starts from the demo data. Ctrl-C stops everything.
 */
import "~/server/load-env.ts";

import { parseArgs } from "node:util";

import { startTopology } from "~/scripts/topology/topology.ts";

const { values: flags } = parseArgs({
  options: {
    instances: { type: "string", default: "3" },
    "base-port": { type: "string", default: "3001" },
    port: { type: "string", default: process.env.PROXY_PORT ?? "8080" },
    "sandbox-port": { type: "string", default: process.env.PAYMENT_SANDBOX_PORT ?? "4010" },
    build: { type: "boolean", default: false },
    reset: { type: "boolean", default: false },
  },
});

const topology = await startTopology({
  instances: Number(flags.instances),
  basePort: Number(flags["base-port"]),
  proxyPort: Number(flags.port),
  sandboxPort: Number(flags["sandbox-port"]),
  forceBuild: flags.build,
  resetDatabase: flags.reset,
  prepareDatabase: true,
});
console.log(`FlashMart at ${topology.proxyUrl} (instances: ${topology.instanceUrls.join(", ")}); Ctrl-C stops everything.`);

const shutdown = () => {
  topology.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
// Stays up until told to stop.
setInterval(() => undefined, 60_000);
