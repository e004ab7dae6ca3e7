#!/usr/bin/env bash
# Starts the portal on its own ports (3100/7100) with a fresh SQLite data folder,
# waits until it serves, runs the Playwright tests in Debian's Chromium, stops it.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PAVED_ROOT"

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    paved_log "Installing Debian's chromium for the e2e tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    paved_log "The e2e tests need /usr/bin/chromium: sudo apt-get install -y chromium"
    exit 1
  fi
fi

export PAVED_E2E_DATA="$PAVED_ROOT/data/e2e"
rm -rf "$PAVED_E2E_DATA"
mkdir -p "$PAVED_E2E_DATA/sqlite"
# The journeys' own golden path, which one of them publishes a new major of.
yarn tsx e2e/journeyTemplate.ts prepare
log="$PAVED_E2E_DATA/portal.log"

paved_log "Starting the portal for e2e (log: data/e2e/portal.log)"
setsid yarn backstage-cli repo start --config ../../app-config.yaml --config ../../e2e/app-config.e2e.yaml >"$log" 2>&1 &
portal=$!
stop_portal() {
  kill -TERM -- "-$portal" 2>/dev/null || true
  wait "$portal" 2>/dev/null || true
}
trap stop_portal EXIT

node e2e/wait-for-portal.js "$log" "$portal"
yarn playwright test -c e2e/playwright.config.ts
