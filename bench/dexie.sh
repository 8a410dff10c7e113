#!/usr/bin/env bash
# bench/dexie.sh VERSION — installs Dexie.js VERSION from npm into $ESTATE_DESK_CACHE/dexie for
# the benchmark's peer page (never committed; skipped when that version is already there).
set -euo pipefail
version=$1
dir=${ESTATE_DESK_CACHE:?}/dexie
have=$(node -p "require('$dir/node_modules/dexie/package.json').version" 2>/dev/null || true)
if [ "$have" = "$version" ]; then
  echo "Dexie.js $version already in $dir"
  exit 0
fi
mkdir -p "$dir"
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "dexie@$version" >/dev/null
test -f "$dir/node_modules/dexie/dist/dexie.mjs"
echo "Dexie.js $version installed in $dir"
