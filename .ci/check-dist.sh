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
if grep -q 'rel="preload"[^>]*_bg\.wasm' dist/index.html || ! grep -qF 'requestAnimationFrame(() => setTimeout(r))' dist/index.html; then
  echo "check-dist: dist/index.html preloads the wasm or starts it before the first paint (.ci/first-paint.sh hook)" >&2
  missing=1
fi
# Size budgets (issue 19): each release wasm module as a static host serves it (brotli, quality
# 11) must stay within its line of .ci/wasm-budget ("<file> <bytes>"): the start-up module and
# the office worker (XLSX, loaded on first use). Raising a budget is a decision recorded in
# docs/PERFORMANCE.md.
if ! command -v brotli >/dev/null; then
  echo "check-dist: brotli not found (make test-deps installs it)" >&2
  missing=1
else
  budgets=$(grep -v '^#' .ci/wasm-budget | grep -v '^[[:space:]]*$' || true)
  [ -n "$budgets" ] || { echo "check-dist: no budget lines in .ci/wasm-budget" >&2; missing=1; }
  for w in dist/*_bg.wasm; do
    [ -e "$w" ] || continue
    grep -q "^$(basename "$w") " <<<"$budgets" || {
      echo "check-dist: $(basename "$w") has no budget line in .ci/wasm-budget" >&2
      missing=1
    }
  done
  while read -r name budget; do
    [ -n "$name" ] || continue
    if [ "$name" = pages-total ]; then
      # The areas' modules cut off the start-up module (issue 19, .ci/wasm-split.sh), each
      # compressed on its own as a host serves it, together.
      total=0 count=0
      for w in dist/split_*.wasm dist/chunk_*.wasm; do
        [ -e "$w" ] || continue
        total=$((total + $(brotli -c -q 11 "$w" | wc -c))) count=$((count + 1))
      done
      if [ "$count" -eq 0 ]; then
        echo "check-dist: no split modules in dist/ (the wasm-split hook did not run)" >&2
        missing=1
      elif [ "$total" -gt "$budget" ]; then
        echo "check-dist: the $count split modules are $total bytes brotli, over the budget of $budget (.ci/wasm-budget)" >&2
        missing=1
      else
        echo "check-dist: $count split modules $total bytes brotli together (budget $budget)"
      fi
      continue
    fi
    if [ ! -s "dist/$name" ]; then
      echo "check-dist: dist/$name missing (budgeted in .ci/wasm-budget)" >&2
      missing=1
      continue
    fi
    size=$(brotli -c -q 11 "dist/$name" | wc -c)
    if [ "$size" -gt "$budget" ]; then
      echo "check-dist: $name is $size bytes brotli, over the budget of $budget (.ci/wasm-budget)" >&2
      missing=1
    else
      echo "check-dist: $name $size bytes brotli (budget $budget)"
    fi
  done <<<"$budgets"
fi
[ "$missing" -eq 0 ] || exit 1
echo "check-dist: dist/ has all $(echo "$shell" | wc -w) precached files"
