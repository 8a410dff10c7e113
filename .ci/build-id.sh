#!/usr/bin/env bash
# Trunk post_build hook (Trunk.toml): stamps one build id into the staged sw.js and index.html,
# so each build has its own service-worker bytes and cache, and the worker can check that the
# index.html it downloads belongs to its build (issue 12). The id is a hash of the built files.
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
placeholder="__ESTATE_DESK_BUILD__"
id=$(cd "$dir" && find . -type f ! -name sw.js ! -name index.html -print0 | LC_ALL=C sort -z \
  | xargs -0 sha256sum | cat - index.html sw.js | sha256sum | cut -c1-16)
for f in sw.js index.html; do
  grep -q "$placeholder" "$dir/$f" || { echo "build-id: no $placeholder in $f" >&2; exit 1; }
  sed -i "s/$placeholder/$id/g" "$dir/$f"
done
echo "build-id: $id"
