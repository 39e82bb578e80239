import { fileURLToPath } from "node:url";

import { defineConfig } from "vitest/config";

const repoRoot = fileURLToPath(new URL("./", import.meta.url));

export default defineConfig({
  resolve: {
    alias: [{ find: /^~\//, replacement: repoRoot }],
  },
  test: {
    include: ["**/*.test.ts"],
    // *.cluster.test.ts need the local Redis Cluster: vitest.cluster.config.ts runs them (scripts/test.sh does both).
    exclude: ["**/node_modules/**", "e2e/**", ".next/**", "server/generated/**", "**/*.cluster.test.ts"],
    // Vitest's default too, pinned on purpose: native addons such as @node-rs/argon2 are only dependable in
    // child processes, not worker threads.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ["server/testing/global-setup.ts"],
    setupFiles: ["server/testing/setup-env.ts"],
    server: {
      // next-auth imports `next/server` without an extension, which only resolves when Vite processes it.
      deps: { inline: ["next-auth"] },
    },
  },
});
