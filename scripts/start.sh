#!/usr/bin/env bash
# One command for a person: install, generate, create + migrate + seed the database, build, start on :3000.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
# A laptop without a Resend key still needs to read its verification mails: keep /dev/mailbox on for this command.
export ENABLE_DEV_MAILBOX="${ENABLE_DEV_MAILBOX:-1}"

node scripts/ensure-env-local.mjs
node scripts/check-services.mjs

echo "→ installing dependencies (npm install)"
npm install --no-audit --no-fund --loglevel=error

echo "→ migrating and seeding the database"
npm run --silent db:migrate
npm run --silent db:seed

echo "→ building"
npm run --silent build

echo "→ starting the payment sandbox (server/payment-sandbox/server.ts)"
node --import tsx server/payment-sandbox/server.ts &
SANDBOX_PID=$!
# The sandbox lives exactly as long as the app: stopped when this script exits for any reason.
trap 'kill "$SANDBOX_PID" 2>/dev/null || true' EXIT

echo "→ starting on ${APP_URL:-http://localhost:3000}"
npm run --silent serve
