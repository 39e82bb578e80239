// Side effect only: scripts and test setup import this first, so server/env.js later sees the same variables
// `next dev` would (.env.development.local, .env.local, .env.development, .env; already-set variables win).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";

import nextEnv from "@next/env";

const root = process.cwd();
const quietLog = { info: () => {}, error: console.error };

nextEnv.loadEnvConfig(root, process.env.NODE_ENV !== "production", quietLog);

// Next skips .env.local when NODE_ENV=test, but that file is where scripts/ensure-env-local.mjs puts the generated
// secrets (AUTH_SECRET, PII_*), so without it no test could import server/env.js. Only unset names are filled in,
// and the test harness overrides DATABASE_URL and REDIS_KEY_PREFIX afterwards.
const localEnvPath = path.join(root, ".env.local");
if (process.env.NODE_ENV === "test" && existsSync(localEnvPath)) {
  for (const [name, value] of Object.entries(parseEnv(readFileSync(localEnvPath, "utf8")))) {
    if (process.env[name] === undefined && value !== undefined) process.env[name] = value;
  }
}
