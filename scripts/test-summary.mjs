// Prints one closing line for the whole test run ("N passed, N failed"), summed from Vitest's and Playwright's
// JSON reports, so CI logs end with a single verdict.
import { existsSync, readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
let skipped = 0;

// The second file is the Redis-touching tests run again against the local Redis Cluster (vitest.cluster.config.ts).
for (const vitestPath of [".test-reports/vitest.json", ".test-reports/vitest-cluster.json"]) {
  if (!existsSync(vitestPath)) continue;
  const report = JSON.parse(readFileSync(vitestPath, "utf8"));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}

// The second file is the several-instances run (playwright.instances.config.ts).
for (const playwrightPath of [".test-reports/playwright.json", ".test-reports/playwright-instances.json"]) {
  if (!existsSync(playwrightPath)) continue;
  const { stats } = JSON.parse(readFileSync(playwrightPath, "utf8"));
  passed += (stats?.expected ?? 0) + (stats?.flaky ?? 0);
  failed += stats?.unexpected ?? 0;
  skipped += stats?.skipped ?? 0;
}

console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
