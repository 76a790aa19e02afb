#!/usr/bin/env bash
# npm run bench — raises the open-file limit for thousands of streams, makes
# sure redis-server is there, then runs bench/run.ts with the given flags.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-system-deps.sh
ensure_debian_packages redis-server:redis-server taskset:util-linux
[ -f node_modules/.package-lock.json ] || npm ci --no-audit --no-fund
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
exec npx tsx bench/run.ts "$@"
