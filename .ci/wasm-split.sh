#!/usr/bin/env bash
# Trunk post_build hook (Trunk.toml, run before build-id.sh): cuts the app's wasm at its split points
# (issue 19, size). Trunk 0.22 builds one module per binary and cannot split one
# (trunk-rs/trunk#1022), so this hook redoes the last steps of Trunk's rust pipeline for
# estate-desk the way cargo-leptos does for leptos's split points:
#   cargo's estate-desk.wasm (linked with --emit-relocs, .cargo/config.toml)
#     -> wasm-split-cli: the start-up module + one module per `#[wasm_split(name)]` area
#        (src/ui/shell/pages.rs) + shared chunks + __wasm_split.js, their loader
#     -> wasm-bindgen --target web on the start-up module (the same glue Trunk writes)
#     -> wasm-opt -Oz on every module (release; index.html has data-wasm-opt="0" for estate-desk
#        so Trunk does not optimise the unsplit module first)
# and replaces Trunk's estate-desk.js / estate-desk_bg.wasm in the staging dir with the result.
# The split modules' names are written into sw.js, which precaches them (offline use).
# ESTATE_DESK_WASM_OPT=0 skips wasm-opt (a bench build whose functions keep their names).
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
profile="${TRUNK_PROFILE:-debug}"
name=estate-desk
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

target_dir=$(cd "$root" && cargo metadata --format-version 1 --no-deps --offline \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
input="$target_dir/wasm32-unknown-unknown/$profile/$name.wasm"
[ -s "$input" ] || { echo "wasm-split: $input not found (cargo's output)" >&2; exit 1; }
[ -s "$dir/${name}_bg.wasm" ] || { echo "wasm-split: $dir/${name}_bg.wasm not staged" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/split" "$work/bindgen"

wasm-split-cli --target web --out-name "$name" "$input" "$work/split"
# The start-up module keeps the exports the split modules import (--keep-lld-exports).
wasm-bindgen --target=web --no-typescript --keep-lld-exports --out-name="$name" \
  --out-dir="$work/bindgen" "$work/split/$name.wasm"

modules=()
for f in "$work/split"/*.wasm; do
  [ "$(basename "$f")" = "$name.wasm" ] && continue
  modules+=("$(basename "$f")")
done
[ "${#modules[@]}" -gt 0 ] || { echo "wasm-split: no split modules came out" >&2; exit 1; }

cp "$work/bindgen/${name}_bg.wasm" "$work/split/$name.wasm"
if [ "$profile" = release ] && [ "${ESTATE_DESK_WASM_OPT:-1}" != 0 ]; then
  # wasm-opt (binaryen from npm, on node) takes ~1.5 s to start: the modules over 16 KB go
  # through it, as many at a time as there are cores (its warnings about the splitter's name
  # sections dropped, its errors shown); the many small shared chunks only lose their custom
  # sections (.ci/wasm-strip.py).
  big=() small=()
  for m in "$name.wasm" "${modules[@]}"; do
    if [ "$(stat -c %s "$work/split/$m")" -gt 16384 ]; then big+=("$m"); else small+=("$m"); fi
  done
  (cd "$work/split" && printf '%s\0' "${big[@]}" \
    | xargs -0 -P "$(nproc)" -I{} sh -c \
      'out=$(wasm-opt -Oz --output="$1/$2" "$2" 2>&1) || { printf "%s\n" "$out" >&2; exit 1; }' \
      sh "$dir" {})
  if [ "${#small[@]}" -gt 0 ]; then
    (cd "$work/split" && python3 "$root/.ci/wasm-strip.py" "$dir" "${small[@]}")
  fi
  mv "$dir/$name.wasm" "$dir/${name}_bg.wasm"
else
  cp "$work/split/$name.wasm" "$dir/${name}_bg.wasm"
  for m in "${modules[@]}"; do cp "$work/split/$m" "$dir/$m"; done
fi
cp "$work/bindgen/$name.js" "$dir/$name.js"
if [ -d "$work/bindgen/snippets" ]; then
  mkdir -p "$dir/snippets"
  cp -r "$work/bindgen/snippets/." "$dir/snippets/"
fi
cp "$work/split/__wasm_split.js" "$dir/__wasm_split.js"

# sw.js precaches the loader and every split module.
list="\"__wasm_split.js\","
for m in "${modules[@]}"; do list="$list \"$m\","; done
grep -q '/\* __ESTATE_DESK_SPLIT__ \*/' "$dir/sw.js" \
  || { echo "wasm-split: no /* __ESTATE_DESK_SPLIT__ */ in sw.js" >&2; exit 1; }
sed -i "s|/\* __ESTATE_DESK_SPLIT__ \*/|$list|" "$dir/sw.js"
echo "wasm-split: $name cut into $((${#modules[@]} + 1)) modules"
