#!/usr/bin/env bash
# Installs what building and testing Estate Desk needs, skipping whatever is already present at
# the right version. Quiet when everything is there. Called by the Makefile:
#
#   .ci/setup.sh toolchain   wasm32 target, trunk, wasm-bindgen-cli, wasm-opt (binaryen), crates
#   .ci/setup.sh test-deps   Debian's chromium, chromium-driver, fonts-noto-cjk, brotli
#   .ci/setup.sh all         both
#   .ci/setup.sh binaryen-bin   prints the folder that must come first on PATH (for wasm-opt)
#
# Needs: rustup's stable toolchain (cargo, rustc), Node.js + npm (installed from Debian if
# missing), apt-get for the browser. Uses sudo only when not root.
set -euo pipefail

TRUNK_VERSION=0.22.1
WASM_SPLIT_VERSION=0.2.4
BINARYEN_VERSION=132
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE_DIR=${ESTATE_DESK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/estate-desk}
BINARYEN_DIR=$CACHE_DIR/binaryen
BINARYEN_BIN=$BINARYEN_DIR/node_modules/.bin
CARGO_BIN=${CARGO_HOME:-$HOME/.cargo}/bin

export PATH="$BINARYEN_BIN:$CARGO_BIN:$PATH"

say() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found; install by hand: $*"
  export DEBIAN_FRONTEND=noninteractive
  if [ "$APT_UPDATED" -eq 0 ]; then
    say "apt-get update"
    as_root apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Debian packages that are not installed (or only half installed).
missing_debs() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' || echo "$pkg"
  done
}

# The wasm-bindgen version in Cargo.lock: wasm-bindgen-cli must match it exactly.
lock_wasm_bindgen_version() {
  awk '
    /^\[\[package\]\]/ { name = "" }
    /^name = / { name = $3; gsub(/"/, "", name) }
    /^version = / && name == "wasm-bindgen" { v = $3; gsub(/"/, "", v); print v; exit }
  ' "$ROOT/Cargo.lock"
}

setup_toolchain() {
  command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (stable) first"
  command -v rustup >/dev/null || die "rustup not found: the wasm32 target is added with rustup"

  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi

  if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
    say "cargo install trunk $TRUNK_VERSION (about 8 minutes on 2 cores)"
    # trunk 0.22.1 declares a newer rust-version than it needs.
    cargo install trunk --version "$TRUNK_VERSION" --locked --ignore-rust-version --quiet
  fi

  local wb
  wb=$(lock_wasm_bindgen_version)
  [ -n "$wb" ] || die "no wasm-bindgen in Cargo.lock"
  if ! grep -q "^wasm_bindgen = \"$wb\"" "$ROOT/Trunk.toml"; then
    die "Trunk.toml [tools] wasm_bindgen must be \"$wb\" (the version in Cargo.lock)"
  fi
  if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wb" ]; then
    say "cargo install wasm-bindgen-cli $wb (about 2 minutes)"
    # Not --locked: one of its locked dependencies is missing from the reachable index.
    cargo install wasm-bindgen-cli --version "$wb" --force --quiet
  fi

  # Issue 19: the release wasm is cut at the pages' split points (.ci/wasm-split.sh, a Trunk
  # hook) by the splitter made for leptos's split points (cargo-leptos uses the same library).
  # (its binary has no --version: cargo's list of installed crates tells the version)
  if ! { command -v wasm-split-cli >/dev/null \
      && cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; }; then
    say "cargo install wasm_split_cli_support $WASM_SPLIT_VERSION (about 3 minutes)"
    cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary \
      --locked --force --quiet
  fi

  if ! "$BINARYEN_BIN/wasm-opt" --version 2>/dev/null | grep -q "(version_$BINARYEN_VERSION)"; then
    if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
      apt_install nodejs npm
    fi
    say "npm install binaryen@$BINARYEN_VERSION into $BINARYEN_DIR"
    mkdir -p "$BINARYEN_DIR"
    npm install --prefix "$BINARYEN_DIR" --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION" >/dev/null
    "$BINARYEN_BIN/wasm-opt" --version | grep -q "(version_$BINARYEN_VERSION)" \
      || die "wasm-opt from binaryen@$BINARYEN_VERSION does not run"
  fi

  # trunk builds with --offline (Trunk.toml): download the crates first. Silent when present.
  (cd "$ROOT" && cargo fetch --quiet)
}

setup_test_deps() {
  local missing
  missing=$(missing_debs chromium chromium-driver fonts-noto-cjk brotli)
  if [ -n "$missing" ]; then
    # shellcheck disable=SC2086
    apt_install $missing
  fi
  [ -x /usr/bin/chromium ] || die "/usr/bin/chromium missing after install"
  [ -x /usr/bin/chromedriver ] || die "/usr/bin/chromedriver missing after install"
}

case "${1:-all}" in
  toolchain) setup_toolchain ;;
  test-deps) setup_test_deps ;;
  all) setup_toolchain; setup_test_deps ;;
  binaryen-bin) echo "$BINARYEN_BIN" ;;
  *) die "usage: $0 [toolchain|test-deps|all|binaryen-bin]" ;;
esac
