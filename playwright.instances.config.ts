import { defineConfig, devices } from "@playwright/test";

import baseConfig from "./playwright.config";

/**
 * e2e across several app instances (e2e/instances.spec.ts): `npx playwright test -c playwright.instances.config.ts`.
 * Its own topology (scripts/start-topology.ts): nginx on E2E_INSTANCES_PORT (3300), three instances on the next
 * ports, one payment sandbox after them, a database and Redis prefix of its own, reset each run. It builds into
 * E2E_INSTANCES_DIST_DIR (default .next-instances) unless E2E_INSTANCES_BUILD=0 and a build is already there
 * (scripts/test.sh reuses the build the main e2e run made a moment earlier).
 */
const proxyPort = Number(process.env.E2E_INSTANCES_PORT ?? 3300);
const distDir = process.env.E2E_INSTANCES_DIST_DIR ?? ".next-instances";

export default defineConfig({
  ...baseConfig,
  reporter: [["list"], ["json", { outputFile: ".test-reports/playwright-instances.json" }]],
  use: { ...baseConfig.use, baseURL: `http://localhost:${proxyPort}` },
  projects: [{ name: "instances", testMatch: /instances\.spec\.ts$/, use: { ...devices["Desktop Chrome"] } }],
  webServer: {
    command: `npx tsx scripts/start-topology.ts --instances 3 --port ${proxyPort} --base-port ${proxyPort + 1} --sandbox-port ${proxyPort + 4} --reset${process.env.E2E_INSTANCES_BUILD === "0" ? "" : " --build"}`,
    url: `http://localhost:${proxyPort}/login`,
    timeout: 480_000,
    reuseExistingServer: false,
    // The topology's processes lead their own process groups; SIGTERM lets start-topology.ts stop them all.
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    stdout: "pipe",
    stderr: "pipe",
    env: {
      DATABASE_URL: process.env.E2E_INSTANCES_DATABASE_URL ?? `mysql://root@127.0.0.1:3306/flashmart_e2e_instances_${proxyPort}`,
      REDIS_KEY_PREFIX: `fme2einst${proxyPort}:`,
      NEXT_DIST_DIR: distDir,
      DUE_WORK_INTERVAL_MS: "1000",
      LOG_LEVEL: "warn",
    },
  },
});
