#!/usr/bin/env bash
# Installs the dependencies (if missing) and builds into build/: everything,
# or only the targets named (scripts/demo.sh builds just sockgrade).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSOCKGRADE_WERROR=ON >/dev/null
cmake --build build ${1:+--target "$@"}
