#!/usr/bin/env bash
# Installs what building, serving and testing the playground needs, where it is missing; fast when all is there.
# Sourced by scripts/serve.sh and scripts/test.sh. Afterwards `web <command>` runs a command (trunk) with the
# environment of the chosen WebAssembly route:
#   rustup: the usual route (rustup's wasm32-unknown-unknown target);
#   debian: Debian's rustc-web, rust-web-src and lld-19, building the standard library for wasm from source
#           (for machines where `rustup target add` cannot download).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$HOME/.cargo/bin:$PATH"
log() { printf '[setup] %s\n' "$*" >&2; }

SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; fi
APT_UPDATED=0
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    log "cannot install $* automatically on this system (no apt-get): please install it and run again"
    exit 1
  fi
  if [ "$APT_UPDATED" = 0 ]; then $SUDO apt-get update -qq; APT_UPDATED=1; fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

# --- the WebAssembly route -------------------------------------------------------------------------------
DEBIAN_LIB=/usr/lib/rustlib/src/rust/library
WASM_LD=/usr/lib/llvm-19/bin/wasm-ld
debian_ready() { [ -x /usr/bin/cargo ] && [ -d "$DEBIAN_LIB" ] && [ -x "$WASM_LD" ] && /usr/bin/rustc --version 2>/dev/null | grep -q .; }
if command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  WEB_ROUTE=rustup
elif debian_ready; then
  WEB_ROUTE=debian
elif command -v rustup >/dev/null 2>&1 && timeout 25 rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then
  WEB_ROUTE=rustup
else
  log "rustup cannot add the wasm32 target here; using Debian's browser toolchain (rustc-web, build-std)"
  apt_install rustc-web cargo-web rust-web-src lld-19
  WEB_ROUTE=debian
fi
export WEB_ROUTE
# binaryen's wasm-opt, installed from the npm registry below.
TOOLS_BIN="$ROOT/scripts/tools/node_modules/.bin"
if [ "$WEB_ROUTE" = debian ]; then
  # The standard library's own dependencies (dlmalloc, …) are not in our Cargo.lock, so the `--offline` builds would
  # not find them on a fresh machine: fetch them once (offline first, so a machine that has them needs no network).
  debian_fetch() {
    PATH="/usr/bin:$PATH" RUSTC_BOOTSTRAP=1 cargo fetch --quiet --manifest-path "$DEBIAN_LIB/Cargo.toml" "$@"
  }
  debian_fetch --offline 2>/dev/null || debian_fetch
fi
# Reference types stay on (the default): rustup's prebuilt standard library for wasm32 is built with them, and a
# crate built without them beside it makes wasm-bindgen fail ("failed to find the
# `__wbindgen_externref_table_dealloc` function"); binaryen 132 (below) reads the `table.fill` they bring.
# erase_components: Leptos type-erases each component's and each reactive child's view instead of compiling the
# whole nested view type for every call site: wasm 617 → 491 KB gzipped (both at opt-level "s"), with the same
# engine speed (tests/browser/bench.mjs); the views render the same, as the browser tests check.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--cfg=erase_components"
web() {
  if [ "$WEB_ROUTE" = debian ]; then
    # Debian's cargo and rustc first, but after our wasm-opt (an older one may be in ~/.cargo/bin).
    PATH="$TOOLS_BIN:/usr/bin:$HOME/.cargo/bin:$PATH" RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$WASM_LD" CARGO_TARGET_DIR="$ROOT/target/web" "$@"
  else
    CARGO_TARGET_DIR="$ROOT/target/web" "$@"
  fi
}

# --- Node.js: binaryen's wasm-opt and the browser tests run on it ---------------------------------------------
if ! command -v node >/dev/null 2>&1; then apt_install nodejs npm; fi
# wasm-opt from the npm registry (binaryen 132, compiled to wasm, run by Node: seconds to install, where building
# binaryen 116 from crates.io took 13 minutes, and 116 cannot read the `table.fill` of current Rust). Trunk.toml asks
# for version_132 and finds it on PATH.
if [ ! -x "$TOOLS_BIN/wasm-opt" ]; then
  log "npm ci (binaryen's wasm-opt)"
  (cd "$ROOT/scripts/tools" && npm ci --no-audit --no-fund --loglevel=error)
fi
export PATH="$TOOLS_BIN:$PATH"

# --- tools built from crates.io ---------------------------------------------------------------------------
if ! trunk --version 2>/dev/null | grep -q '^trunk 0\.2[1-9]'; then
  log "cargo install trunk (about 15 minutes on 2 cores)"
  cargo install trunk --version '~0.21' --locked
fi
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' "$ROOT/Cargo.lock")
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  log "cargo install wasm-bindgen-cli $WB_VERSION (the version in Cargo.lock; about 7 minutes)"
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
fi

# --- a browser for the tests -------------------------------------------------------------------------------
if [ -z "${CHROMIUM:-}" ]; then
  for c in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
    if [ -x "$c" ]; then CHROMIUM=$c; break; fi
  done
fi
if [ -z "${CHROMIUM:-}" ]; then
  apt_install chromium
  CHROMIUM=/usr/bin/chromium
fi
export CHROMIUM
if [ ! -d "$ROOT/tests/browser/node_modules/playwright-core" ]; then
  log "npm ci (playwright-core, using the system Chromium)"
  (cd "$ROOT/tests/browser" && npm ci --no-audit --no-fund --loglevel=error)
fi
log "ready: wasm route $WEB_ROUTE, $(trunk --version), wasm-bindgen $WB_VERSION, $("$CHROMIUM" --version 2>/dev/null | head -n1)"
