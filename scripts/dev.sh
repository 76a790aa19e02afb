#!/usr/bin/env bash
# npm run dev — installs the npm packages on a fresh clone, then runs the
# dashboard on the embedded store (nothing else to install) and says where to sign in.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
PORT="${PORT:-3000}"
cat <<MSG

  Notifications dashboard (embedded mode): http://127.0.0.1:${PORT}
  Sign in at http://127.0.0.1:${PORT}/signin with a demo account, password "${DEMO_PASSWORD:-demo}":
    admin@example.com (admin: send alerts at /admin)
    alice@example.com, bob@example.com (members)

MSG
exec npx next dev -H 127.0.0.1 -p "$PORT"
