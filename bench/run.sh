#!/usr/bin/env bash
# npm run bench: installs what a fresh clone lacks (redis-server and taskset from Debian, npm packages from the
# lockfile), raises the open-file limit for thousands of streams (65536, or the hard limit when that is lower),
# then runs bench/run.ts with the given flags.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-system-deps.sh
ensure_debian_packages redis-server:redis-server taskset:util-linux
[ -f node_modules/.package-lock.json ] || npm ci --no-audit --no-fund
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
# --team-day: what a team's month costs on Upstash (bench/team-day/run.ts), instead of the fan-out table.
for arg in "$@"; do [ "$arg" = "--team-day" ] && exec npx tsx bench/team-day/run.ts "$@"; done
for arg in "$@"; do [ "$arg" = "--search-index" ] && exec npx tsx --conditions=react-server bench/search-index/measure.ts "$@"; done
exec npx tsx bench/run.ts "$@"
