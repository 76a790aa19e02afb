#!/usr/bin/env bash
# npm run dev:cluster [-- --redis] — redis-server, the local Upstash-compatible
# endpoint (or, with --redis, none: REDIS_URL) and two production instances of
# the app on two ports; Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
source scripts/ensure-system-deps.sh
ensure_debian_packages redis-server:redis-server
[ -d node_modules ] || npm ci --no-audit --no-fund
# Two `next dev` cannot share one folder, so the cluster runs a production build.
if [ ! -f .next/BUILD_ID ] || [ -n "$(find app components hooks lib proxy.ts next.config.mjs -newer .next/BUILD_ID -print -quit)" ]; then
  npx next build
fi
exec npx tsx scripts/dev-cluster.ts "$@"
