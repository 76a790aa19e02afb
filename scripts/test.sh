#!/usr/bin/env bash
# Every test, from a fresh clone: installs what is missing (npm packages from
# the lockfile, Debian's chromium, redis-server, and nginx, caddy and
# prometheus for the reverse-proxy and metrics tests), then lint, typecheck, unit
# and integration tests (vitest), one production build, and the end-to-end
# tests (Playwright driving Debian's Chromium). Ends with one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 NEXT_TELEMETRY_DISABLED=1
source scripts/ensure-system-deps.sh
ensure_debian_packages chromium:chromium redis-server:redis-server nginx:nginx caddy:caddy promtool:prometheus

# npm ci when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "› npm ci"
  npm ci --no-audit --no-fund
fi

mkdir -p reports
echo "› lint";      npx eslint . --max-warnings=0
echo "› typecheck"; npx tsc --noEmit
echo "› unit and integration tests (vitest)"
unit_status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=reports/vitest.json || unit_status=$?
echo "› production build"
npx next build
echo "› end-to-end tests (Playwright, Debian Chromium)"
e2e_status=0
PLAYWRIGHT_JSON_OUTPUT_NAME=reports/playwright.json npx playwright test --reporter=list,json || e2e_status=$?

node scripts/test-summary.mjs reports/vitest.json reports/playwright.json
exit $(( unit_status || e2e_status ))
