/** The generated nginx configuration: several upstreams, and nginx itself accepts it (`nginx -t`, as a normal user). */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { nginxConfig, prepareNginxPrefix } from "~/scripts/proxy/nginx-config.ts";

const NGINX = "/usr/sbin/nginx";

describe("nginxConfig", () => {
  it("balances over every upstream given, with keep-alive", () => {
    const config = nginxConfig({ listenPort: 8080, upstreams: ["127.0.0.1:3000", "127.0.0.1:3001", "app-3:3000"], prefixDir: "/tmp/p/" });
    expect(config).toContain("    server 127.0.0.1:3000 max_fails=0;\n    server 127.0.0.1:3001 max_fails=0;\n    server app-3:3000 max_fails=0;");
    expect(config).toMatch(/keepalive 128;/);
    expect(config).toContain("listen 8080 reuseport;");
    expect(config).toContain("pid /tmp/p/nginx.pid;");
  });

  it("refuses an empty or malformed upstream list instead of writing a broken file", () => {
    expect(() => nginxConfig({ listenPort: 8080, upstreams: [], prefixDir: "/tmp/p" })).toThrow(/at least one/);
    expect(() => nginxConfig({ listenPort: 8080, upstreams: ["127.0.0.1:3000; evil"], prefixDir: "/tmp/p" })).toThrow(/bad upstream/);
  });

  it.runIf(existsSync(NGINX))("is accepted by nginx -t without root", () => {
    const prefix = mkdtempSync(join(tmpdir(), "nginx-config-test-"));
    try {
      const { args } = prepareNginxPrefix(prefix, nginxConfig({ listenPort: 18080, upstreams: ["127.0.0.1:3000", "127.0.0.1:3001"], prefixDir: prefix }));
      const check = spawnSync(NGINX, ["-t", ...args.slice(0, -2)], { encoding: "utf8" });
      expect(check.stderr).toContain("syntax is ok");
      expect(check.status).toBe(0);
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });
});
