#!/usr/bin/env bash
# deploy/test.sh: installs what is missing, builds everything with
# AddressSanitizer and UndefinedBehaviorSanitizer, and runs the whole suite;
# then builds everything again with clang, whose thread-safety analysis
# (like every warning) is an error, instrumented for libFuzzer, and runs
# each fuzz target for a bounded time (tests/fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
# The Connect interop test's Node.js packages, exactly as locked.
(cd tests/interop && npm ci --no-audit --no-fund)
# The console journeys' Node.js packages (puppeteer-core, axe-core).
(cd tests/console && npm ci --no-audit --no-fund)
# The web console itself, from its locked packages, into console/dist.
(cd console && npm ci --no-audit --no-fund && npm run build)
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DSAFEGUARD_SANITIZE=ON >/dev/null
cmake --build build/asan -j "$(nproc)"
(cd build/asan && ctest --output-on-failure -j "$(nproc)" --timeout 600)

cmake -S . -B build/fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" -DSAFEGUARD_FUZZ=ON >/dev/null
cmake --build build/fuzz -j "$(nproc)"
(cd build/fuzz && ctest --output-on-failure -j "$(nproc)" -L fuzz)
