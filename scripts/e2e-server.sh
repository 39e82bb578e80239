#!/usr/bin/env bash
# Playwright's webServer: a production build on its own port, database and Redis prefix, reset on every run.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
export NODE_ENV=production
export PORT="${E2E_PORT:-3100}"
export APP_URL="http://localhost:${PORT}"
export DATABASE_URL="${E2E_DATABASE_URL:-mysql://root@127.0.0.1:3306/flashmart_e2e}"
export REDIS_KEY_PREFIX="fme2e:"
export DUE_WORK_INTERVAL_MS=1000
export ENABLE_DEV_MAILBOX=1
export ENABLE_TEST_CLOCK=1

npx tsx scripts/reset-database.ts --yes
npx next build
exec npx tsx server/main.ts
