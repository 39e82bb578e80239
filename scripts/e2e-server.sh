#!/usr/bin/env bash
# Playwright's webServer: a production build on its own port, database and Redis prefix, reset on every run.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
export NODE_ENV=production
export PORT="${E2E_PORT:-3100}"
export APP_URL="http://localhost:${PORT}"
# Another port means another isolated run (its own database, Redis prefix, build directory and payment sandbox), so
# two Playwright runs on one machine never share state: E2E_PORT=3101 npx playwright test …
suffix=""
[ "$PORT" = "3100" ] || suffix="_${PORT}"
export DATABASE_URL="${E2E_DATABASE_URL:-mysql://root@127.0.0.1:3306/flashmart_e2e${suffix}}"
export REDIS_KEY_PREFIX="${E2E_REDIS_KEY_PREFIX:-fme2e${suffix}:}"
[ -z "$suffix" ] || export NEXT_DIST_DIR=".next-e2e${suffix}"
export DUE_WORK_INTERVAL_MS=1000
export ENABLE_DEV_MAILBOX=1
export ENABLE_TEST_CLOCK=1
# The payment provider: its own sandbox process on its own port (specs flip its switches through /__admin/config).
export PAYMENT_SANDBOX_PORT="${E2E_PAYMENT_SANDBOX_PORT:-$((PORT + 1010))}"
export PAYMENT_PROVIDER_URL="http://127.0.0.1:${PAYMENT_SANDBOX_PORT}"

node --import tsx server/payment-sandbox/server.ts &
SANDBOX_PID=$!
trap 'kill "$SANDBOX_PID" 2>/dev/null || true' EXIT

npx tsx scripts/reset-database.ts --yes
npx next build
npx tsx server/main.ts
