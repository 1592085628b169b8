#!/usr/bin/env bash
# run_fuzzer.sh FUZZER SEEDS WORK SECONDS: runs the libFuzzer binary FUZZER
# for SECONDS, starting from the seed corpus SEEDS, which it only reads: the
# inputs it finds go to WORK/corpus (emptied first), a failing input to
# WORK/artifacts. Fails on any crash, sanitizer report, leak, timeout
# (10 s for one input) or out-of-memory.
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3 seconds=$4
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
  "$work/corpus" "$seeds"
