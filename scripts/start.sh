#!/usr/bin/env bash
# The demo portal: installs what it needs, then starts the frontend on
# http://localhost:3000 and the backend on http://localhost:7007.
# Extra arguments go to `backstage-cli repo start`, e.g.
#   npm start -- --config app-config.yaml --config app-config.production.yaml
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
paved_install
cd "$PAVED_ROOT"
mkdir -p data/sqlite
paved_log "Starting the Paved demo portal: http://localhost:3000 (sign in as guest)"
exec yarn backstage-cli repo start "$@"
