import { defineConfig, devices } from "@playwright/test";

// The production front (nginx) in front of the same app, for e2e/public-pages.spec.ts.
import { E2E_PROXY_PORT } from "./e2e/fixtures/proxy";

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${port}`;

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"], ["json", { outputFile: ".test-reports/playwright.json" }]],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    locale: "ko-KR",
    timezoneId: "Asia/Seoul",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    // Debian's Chromium, never a downloaded browser (no network here).
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
  },
  projects: [
    // instances.spec.ts needs its own topology: playwright.instances.config.ts.
    { name: "chromium", use: { ...devices["Desktop Chrome"] }, testIgnore: /(mobile|instances)\.spec\.ts$/ },
    // A phone (390×844, touch, mobile viewport meta honoured) on the same Debian Chromium: WebKit cannot be fetched here.
    {
      name: "mobile",
      testMatch: /(mobile|a11y)\.spec\.ts$/,
      use: {
        browserName: "chromium",
        viewport: { width: 390, height: 844 },
        screen: { width: 390, height: 844 },
        deviceScaleFactor: 3,
        isMobile: true,
        hasTouch: true,
        userAgent: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36",
      },
    },
  ],
  webServer: [
    {
      command: "bash scripts/e2e-server.sh",
      url: `${baseURL}/login`,
      // A cold production build takes minutes on a busy 2-core machine.
      timeout: 480_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      // Ready once the app behind it answers, so it shares the app's timeout.
      command: `npx tsx scripts/start-proxy.ts --port ${E2E_PROXY_PORT} --upstream 127.0.0.1:${port} --prefix var/e2e-proxy-${E2E_PROXY_PORT}`,
      url: `http://localhost:${E2E_PROXY_PORT}/login`,
      timeout: 480_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
    },
  ],
});
