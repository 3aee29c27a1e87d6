#!/usr/bin/env bash
# Serves the playground on http://127.0.0.1:8080 and rebuilds on every change. Installs what is missing first.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
web trunk serve --offline --address 127.0.0.1 --port "${PORT:-8080}" "$@"
