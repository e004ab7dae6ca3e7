#!/usr/bin/env bash
# The whole test suite: type-check, lint, unit tests (stores on SQLite and
# PostgreSQL) and the e2e tests in Chromium against the running portal.
# Installs what it needs first. Fails on the first failing step.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
paved_install
cd "$PAVED_ROOT"

export CI=true
export BACKSTAGE_TEST_DISABLE_DOCKER=1
export BACKSTAGE_TEST_DATABASE_POSTGRES16_CONNECTION_STRING="${BACKSTAGE_TEST_DATABASE_POSTGRES16_CONNECTION_STRING:-postgresql://postgres@127.0.0.1:5432}"

step() {
  local name="$1"
  shift
  paved_log "── $name"
  local started=$SECONDS
  "$@"
  paved_log "── $name passed in $((SECONDS - started))s"
}

# Store and migration tests must run on PostgreSQL too; refuse to skip it silently.
step "PostgreSQL check" node scripts/check-postgres.js
# The API types in -common are generated from the backend's OpenAPI spec;
# after changing the spec, run `yarn generate:openapi`.
step "OpenAPI types up to date" yarn generate:openapi --check
step "type-check" yarn tsc
step "lint" yarn backstage-cli repo lint
step "unit tests" yarn backstage-cli repo test --verbose
step "e2e tests" bash scripts/e2e.sh
paved_log "All tests passed."
