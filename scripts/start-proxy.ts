/**
 * The production front: `npm run start:proxy [-- --port 8080 --upstream 127.0.0.1:3000 --upstream 127.0.0.1:3001
 * --prefix var/proxy-8080 --workers 1 --print]`.
 *
 * Writes the nginx configuration (scripts/proxy/nginx-config.ts) under its own prefix directory and runs nginx in the
 * foreground as the current user (no root, no /etc/nginx): Ctrl-C or SIGTERM stops it. --print only prints the
 * configuration. Defaults: listen on PROXY_PORT or 8080, one upstream at 127.0.0.1:PORT (the app's port, 3000).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";

import { nginxConfig, prepareNginxPrefix } from "~/scripts/proxy/nginx-config.ts";

const NGINX_BINARY = "/usr/sbin/nginx";

const { values: flags } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PROXY_PORT ?? "8080" },
    upstream: { type: "string", multiple: true },
    prefix: { type: "string" },
    workers: { type: "string", default: "1" },
    print: { type: "boolean", default: false },
  },
});

const listenPort = Number(flags.port);
const upstreams = flags.upstream?.length ? flags.upstream : [`127.0.0.1:${process.env.PORT ?? "3000"}`];
const prefixDir = resolve(flags.prefix ?? `var/proxy-${listenPort}`);
const config = nginxConfig({ listenPort, upstreams, prefixDir, workerProcesses: Number(flags.workers) });

if (flags.print) {
  process.stdout.write(config);
  process.exit(0);
}

if (!existsSync(NGINX_BINARY)) {
  console.error(`${NGINX_BINARY} is missing: install the Debian package nginx-light (apt-get install nginx-light).`);
  process.exit(1);
}
const { configPath, args } = prepareNginxPrefix(prefixDir, config);

console.log(`nginx on :${listenPort} → ${upstreams.join(", ")} (config ${configPath})`);
const nginx = spawn(NGINX_BINARY, args, { stdio: "inherit" });
// nginx stops gracefully on SIGQUIT and at once on SIGTERM; either way it goes when this script is told to stop.
const stop = (signal: NodeJS.Signals) => {
  if (nginx.exitCode === null) nginx.kill(signal === "SIGINT" ? "SIGQUIT" : "SIGTERM");
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
nginx.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
