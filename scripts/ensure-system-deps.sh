# Sourced by the test, dev-cluster and bench scripts: installs Debian packages
# that are missing, as root via apt-get, else stops with the package's name.
# Usage: ensure_debian_packages command:package [command:package ...]
ensure_debian_packages() {
  local missing=()
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "› apt-get install ${missing[*]}"
  apt-get update -qq
  # Packages with a service (nginx, redis-server, prometheus) must not start
  # it on install: the tests start what they use, on 127.0.0.1 and free ports.
  local policy=/usr/sbin/policy-rc.d own_policy=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && own_policy=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ "$own_policy" -eq 1 ]; then rm -f "$policy"; fi
}
