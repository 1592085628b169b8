#!/usr/bin/env bash
# deploy/test.sh: installs what is missing, builds everything with
# AddressSanitizer and UndefinedBehaviorSanitizer, and runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DSAFEGUARD_SANITIZE=ON >/dev/null
cmake --build build/asan -j "$(nproc)"
cd build/asan
ctest --output-on-failure -j "$(nproc)" --timeout 600
