# Estate Desk (物业服务台) — build, run and test.
#
#   make run        build and serve the app at http://127.0.0.1:8080 (installs the toolchain first)
#   make test       every test: native, wasm-in-Chromium, release build, end-to-end
#   make dist       release build into dist/ (copy it to any static host, even a sub-folder)
#   make lint       rustfmt check, clippy -D warnings (native and wasm32)
#   make setup      toolchain only: wasm32 target, trunk, wasm-bindgen-cli, wasm-opt, crates
#   make test-deps  Chromium, ChromeDriver and a CJK font (Debian packages)
#   make dev        debug build served with live reload (faster rebuilds)
#   make serve-dist serve dist/ like a static host, service worker on (try it offline)
#   make test-native | test-wasm | test-e2e   one part of `make test`
#   make bench      the benchmark (issue 7): five years of a large estate, beside Dexie.js
#
# Every install step is skipped when the tool is already there at the right version
# (.ci/setup.sh). Nothing is downloaded by trunk itself (Trunk.toml: offline = true).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

# wasm-opt from npm binaryen@132 lives here and comes first on PATH (never Debian's binaryen).
ESTATE_DESK_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/estate-desk
export ESTATE_DESK_CACHE
CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
export PATH := $(ESTATE_DESK_CACHE)/binaryen/node_modules/.bin:$(CARGO_BIN):$(PATH)

WASM := wasm32-unknown-unknown
SETUP := bash .ci/setup.sh
STEP := bash .ci/step
PORT ?= 8080

NATIVE_TEST := cargo test
WASM_TEST := env WASM_BINDGEN_TEST_DRIVER_TIMEOUT=60 WASM_BINDGEN_TEST_TIMEOUT=300 cargo test --target $(WASM) --test idb_store --test pin_webcrypto --test export_memory
DIST_BUILD := trunk build --release
DIST_CHECK := bash .ci/check-dist.sh
E2E_TEST := cargo test --features e2e --test e2e -- --test-threads=1

.PHONY: help run dev serve-dist dist setup test-deps test test-native test-wasm test-e2e lint fmt clean bench

help:
	@sed -n 's/^#   //p' Makefile

## Toolchain ----------------------------------------------------------------------------------

setup:
	@$(SETUP) toolchain

test-deps:
	@$(SETUP) test-deps

## Build and run ------------------------------------------------------------------------------

# Release build served by trunk at http://127.0.0.1:$(PORT), rebuilt on change.
# (The service worker is not registered under trunk's dev server; see `make serve-dist`.)
run: setup
	trunk serve --release --port $(PORT)

# Debug build (faster to rebuild, Leptos debug checks on).
dev: setup
	trunk serve --port $(PORT)

dist: setup
	@$(STEP) "release build (trunk) into dist/" $(DIST_BUILD)
	@$(DIST_CHECK)

# dist/ as a plain static host serves it, with the service worker (works offline after the
# first visit).
serve-dist: dist
	@echo "serving dist/ at http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	cd dist && python3 -m http.server $(PORT) --bind 127.0.0.1

## Tests --------------------------------------------------------------------------------------

# Everything, in order; the first failure stops the run.
test:
	@$(STEP) "setup: toolchain" $(SETUP) toolchain
	@$(STEP) "setup: test dependencies" $(SETUP) test-deps
	@$(STEP) "native tests (cargo test)" $(NATIVE_TEST)
	@$(STEP) "wasm tests in Chromium (idb_store, pin_webcrypto, export_memory)" $(WASM_TEST)
	@$(STEP) "release build (trunk) into dist/" $(DIST_BUILD)
	@$(DIST_CHECK)
	@$(STEP) "end-to-end tests (dist/ in Chromium)" $(E2E_TEST)

test-native: setup
	@$(STEP) "native tests (cargo test)" $(NATIVE_TEST)

test-wasm: setup test-deps
	@$(STEP) "wasm tests in Chromium (idb_store, pin_webcrypto, export_memory)" $(WASM_TEST)

test-e2e: setup test-deps
	@$(STEP) "release build (trunk) into dist/" $(DIST_BUILD)
	@$(DIST_CHECK)
	@$(STEP) "end-to-end tests (dist/ in Chromium)" $(E2E_TEST)

## Benchmark (issue 7) ------------------------------------------------------------------------

# The release app (dist/, whose sizes are reported), the same app with the benchmark's JS API
# (src/bench/api.rs) in target/bench-dist/, Dexie.js for the peer page, then the harness
# (tests/bench/): dataset generation (cached in target/bench-data/), Chromium, the table and
# target/bench/results.json. BENCH_RUNS, BENCH_HEAVY_RUNS, BENCH_SEED, BENCH_SMALL=1,
# BENCH_THROTTLE (see tests/bench/main.rs).
DEXIE_VERSION := 4.4.7
BENCH_DIST := target/bench-dist

bench: setup test-deps
	@$(STEP) "release build (trunk) into dist/" $(DIST_BUILD)
	@$(DIST_CHECK)
	@$(STEP) "bench build (trunk, --features bench) into $(BENCH_DIST)/" $(DIST_BUILD) --features bench --dist $(BENCH_DIST)
	@$(STEP) "Dexie.js $(DEXIE_VERSION) (npm)" bash bench/dexie.sh $(DEXIE_VERSION)
	@$(STEP) "benchmark (tests/bench)" cargo test --release --features bench --test bench

## Lint ---------------------------------------------------------------------------------------

# Runs all three checks, then fails if any failed.
lint: setup
	@fail=0; \
	$(STEP) "rustfmt --check" cargo fmt --all -- --check || fail=1; \
	$(STEP) "clippy (native)" cargo clippy --all-targets --features e2e -- -D warnings || fail=1; \
	$(STEP) "clippy (wasm32)" cargo clippy --target $(WASM) --lib --bins --tests -- -D warnings || fail=1; \
	exit $$fail

fmt:
	cargo fmt --all

clean:
	rm -rf dist tests/e2e/artifacts
	cargo clean
