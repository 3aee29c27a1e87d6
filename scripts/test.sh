#!/usr/bin/env bash
# Runs every test: formatting, lints, native tests, the release build for the browser, and the browser tests in
# headless Chromium against that build served under a sub-path. Installs what is missing first.
#
#   ./scripts/test.sh           everything (what CI runs)
#   ./scripts/test.sh --quick   the daily loop: fmt, clippy, native tests, and one browser smoke test (the page
#                               loads, every model computes and draws, no errors) against a fresh release build
set -euo pipefail
QUICK=0
case "${1:-}" in
  --quick) QUICK=1 ;;
  "") ;;
  *) echo "usage: $0 [--quick]" >&2; exit 2 ;;
esac
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
if [ "$QUICK" = 1 ]; then
  SITE_DIR="$ROOT/dist" SITE_PREFIX=/serverless-playground/ node --test --test-concurrency=1 \
    --test-name-pattern='every section computes, draws and shows its formula' ./playground.test.mjs
else
  SITE_DIR="$ROOT/dist" SITE_PREFIX=/serverless-playground/ node --test --test-concurrency=1 ./*.test.mjs
fi
