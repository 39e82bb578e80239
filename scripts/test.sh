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
echo "→ vitest on Redis Cluster"
scripts/redis-cluster.sh start
npx vitest run --config vitest.cluster.config.ts --reporter=default --reporter=json --outputFile.json=.test-reports/vitest-cluster.json
echo "→ playwright"; npx playwright test
# Three app instances behind nginx (e2e/instances.spec.ts, ~1 min), on the production build the run above just made.
echo "→ playwright (several instances)"
e2e_dist=".next"; [ "${E2E_PORT:-3100}" = "3100" ] || e2e_dist=".next-e2e_${E2E_PORT}"
E2E_INSTANCES_DIST_DIR="$e2e_dist" E2E_INSTANCES_BUILD=0 npx playwright test -c playwright.instances.config.ts
echo; node scripts/test-summary.mjs
