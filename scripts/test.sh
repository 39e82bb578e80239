#!/usr/bin/env bash
# Every test: lint, typecheck, unit + integration (Vitest, real MariaDB and Redis), e2e (Playwright, production build).
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

node scripts/ensure-env-local.mjs
node scripts/check-services.mjs
[ -d node_modules ] || npm install --no-audit --no-fund --loglevel=error

echo "→ lint";       npm run --silent lint
echo "→ typecheck";  npm run --silent typecheck
rm -rf .test-reports
echo "→ vitest";     npx vitest run --reporter=default --reporter=json --outputFile.json=.test-reports/vitest.json
echo "→ playwright"; npx playwright test
echo; node scripts/test-summary.mjs
