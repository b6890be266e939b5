#!/usr/bin/env bash
# Runs one benchmark (BENCHMARKS.md says what each measures and what it found):
#
#   bash bench/run.sh overhead   # sockgrade run vs a hand-written driver, per test
#   bash bench/run.sh sandbox    # namespace + program start + teardown vs fork/exec
#   bash bench/run.sh batch      # sockgrade grade: --jobs 1 vs 2, class size 20/40/80
#   bash bench/run.sh load       # reference chat server vs an Asio one, 10..2000 clients
#   bash bench/run.sh capture    # sockgrade run without --capture vs with it (packet captures)
#   bash bench/run.sh plot       # bench/results/benchmarks.svg from the last batch and load runs
#
# Each takes under 5 minutes on 2 cores and prints ratios against a baseline
# measured in the same run. Results go to bench/results/ (BENCH_OUT to change);
# the build is build/ (BUILD_DIR to change), brought up to date first unless
# BENCH_NO_BUILD=1. Options after the name go to bench/bench.py (--help).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$root/build}

if [ $# -eq 0 ]; then
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 2
fi

if [ "${BENCH_NO_BUILD:-0}" != 1 ] && [ "$1" != plot ]; then
  if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
    cmake -S "$root" -B "$build" -G Ninja >/dev/null
  fi
  cmake --build "$build" --target sockgrade reference_programs bench_programs >/dev/null
fi

exec python3 "$root/bench/bench.py" --build "$build" --out "${BENCH_OUT:-$root/bench/results}" "$@"
