#!/usr/bin/env bash
# Checks that dist/ holds every file the service worker precaches (the SHELL list in sw.js), so
# a renamed build output cannot silently break offline start-up.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -f dist/sw.js ] || { echo "check-dist: dist/sw.js missing" >&2; exit 1; }
shell=$(sed -n '/^const SHELL = \[/,/^\];/p' dist/sw.js | grep -o '"[^"]*"' | tr -d '"')
[ -n "$shell" ] || { echo "check-dist: no SHELL list found in dist/sw.js" >&2; exit 1; }
missing=0
for f in $shell; do
  [ "$f" = "./" ] && f=index.html
  if [ ! -s "dist/$f" ]; then
    echo "check-dist: dist/$f is missing or empty (precached by sw.js)" >&2
    missing=1
  fi
done
if grep -q ' integrity="sha' dist/index.html; then
  echo "check-dist: dist/index.html has SRI hashes; the service worker needs data-integrity=none" >&2
  missing=1
fi
if grep -q '__ESTATE_DESK_BUILD__' dist/sw.js dist/index.html; then
  echo "check-dist: the build id was not stamped into sw.js / index.html (.ci/build-id.sh hook)" >&2
  missing=1
fi
[ "$missing" -eq 0 ] || exit 1
echo "check-dist: dist/ has all $(echo "$shell" | wc -w) precached files"
