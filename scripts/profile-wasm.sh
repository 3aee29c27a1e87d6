#!/usr/bin/env bash
# Profiles the page's wasm as V8 compiles it, which differs from the native build (opt-level "s", V8's own code
# generation): a model of the default scenario, or an engine steady case, run repeatedly in Node under Linux `perf`,
# with V8's map of its compiled code, so the samples name our functions. A function that shows up on its own under
# a hot loop was not inlined; `perf annotate` shows the machine code V8 made of it, sample by sample.
# Needs `perf` and a browser build (./scripts/test.sh or ./scripts/serve.sh leaves it in target/web).
#   scripts/profile-wasm.sh scaling 40                  # scaling, provisioned, breaker, chain, parallel, availability
#   scripts/profile-wasm.sh steady:100:1.991:2.244 8    # an engine steady case, 1 M requests per run
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$HOME/.cargo/bin:$PATH"
WASM="$ROOT/target/web/wasm32-unknown-unknown/wasm-release/serverless-playground.wasm"
[ -f "$WASM" ] || { echo "no browser build in target/web: run ./scripts/test.sh first" >&2; exit 1; }
command -v perf >/dev/null || { echo "needs Linux perf (Debian: apt-get install linux-perf)" >&2; exit 1; }
OUT=$(mktemp -d)
# The same passes as the page's build (wasm-bindgen, then wasm-opt -Oz), keeping the function names.
wasm-bindgen --target web --keep-debug --out-dir "$OUT" "$WASM"
"$ROOT/scripts/tools/node_modules/.bin/wasm-opt" -Oz -g --enable-reference-types --enable-bulk-memory \
  --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-multivalue \
  "$OUT/serverless-playground_bg.wasm" -o "$OUT/app.wasm"
cp "$OUT/serverless-playground.js" "$OUT/glue.mjs"
cp "$ROOT/scripts/profile-run.mjs" "$OUT/"
(cd "$ROOT" && cargo run -q --release --bin playground-cli -- example) > "$OUT/scenario.json"
cd "$OUT"
perf record -q -e cpu-clock -F 5000 -k 1 -o perf.data \
  node --perf-prof --no-write-protect-code-memory profile-run.mjs "$@"
perf inject --jit -i perf.data -o perf.jit.data
perf report -i perf.jit.data --stdio --sort sym 2>/dev/null | grep -v '^#' | grep -v '^$' | head -25
echo "machine code with samples: perf annotate -i $OUT/perf.jit.data --stdio -d <the jitted-*.so of a function>"
echo "(perf report -i $OUT/perf.jit.data --stdio --sort dso,sym names them)"
