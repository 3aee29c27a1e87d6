#!/usr/bin/env bash
# Runs every test: formatting, lints, native tests, the release build for the browser, and the browser tests in
# headless Chromium against that build served under a sub-path. Installs what is missing first.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
step() { printf '\n== %s\n' "$*"; }
step "cargo fmt --check"
cargo fmt --all --check
step "cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets -- -D warnings
step "cargo test"
cargo test --all-targets
step "trunk build --release (served under /serverless-playground/ as on GitHub Pages)"
rm -rf dist
web trunk build --release --offline --public-url /serverless-playground/
step "browser tests (headless Chromium)"
cd tests/browser
SITE_DIR="$ROOT/dist" SITE_PREFIX=/serverless-playground/ node --test --test-concurrency=1 ./*.test.mjs
