#!/usr/bin/env bash
# Builds sockgrade with sanitizers and runs the unit and e2e suites there.
#
#   scripts/sanitizers.sh [asan] [tsan] [fuzz [SECONDS]]    (default: asan tsan)
#
#   asan   build-asan/  -DSOCKGRADE_SANITIZE="address;undefined" (g++), then
#          ctest -L "unit|e2e" (a UB report aborts: -fno-sanitize-recover)
#   tsan   build-tsan/  -DSOCKGRADE_SANITIZE=thread (g++), then the same tests,
#          with address-space randomisation off (setarch -R): GCC 12's TSan
#          cannot map its shadow beside a fully randomised layout
#   fuzz   build-fuzz/  clang++ -DSOCKGRADE_FUZZ=ON, then fuzz/scenario_loader_fuzz
#          for SECONDS (default 60) on the seed corpus (scenarios/*.yaml,
#          tests/golden/validate/*); new inputs stay in build-fuzz/fuzz/corpus,
#          findings in build-fuzz/fuzz/artifacts. `ctest --test-dir build-fuzz -L fuzz`
#          runs the bounded (20 s) version.
#
# The selftests (label selftest: every scenario against every reference program
# and mutant) are slow under sanitizers and left out; SOCKGRADE_SANITIZE_SELFTEST=1
# runs them too. The reference programs are never instrumented (see CMakeLists.txt).
#
# Packages (Debian 12), installed here when missing: libasan8 libubsan1 libtsan2
# come with g++; fuzzing needs clang-14 and libclang-rt-14-dev (libFuzzer and
# clang's sanitizer runtimes).
set -euo pipefail
cd "$(dirname "$0")/.."

steps=("$@")
((${#steps[@]})) || steps=(asan tsan)

need_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "sanitizers: installing ${missing[*]}" >&2
    local sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

jobs=$(nproc)
# Left out: the tests of the release binary's packaging (its shared libraries,
# the size of the Classroom 50 bundle), which a sanitizer build changes.
tests_filter=(-L "unit|e2e" -E "^(CiInstall\.|CiClassroom50\.BundleAutograder)")
[ "${SOCKGRADE_SANITIZE_SELFTEST:-0}" = 1 ] || tests_filter+=(-LE selftest)
status=0

# handle_segv=0: a worker that crashes must die of its signal (the grader says
# which one; tests/unit/sandbox checks it), not exit from ASan's or TSan's handler.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:handle_segv=0:halt_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:handle_segv=0}"

i=0
while ((i < ${#steps[@]})); do
  step=${steps[$i]}
  i=$((i + 1))
  case "$step" in
    asan)
      need_packages libasan8 libubsan1
      cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DSOCKGRADE_SANITIZE=address;undefined"
      cmake --build build-asan
      ctest --test-dir build-asan --output-on-failure -j"$jobs" --timeout 900 "${tests_filter[@]}" || status=1
      ;;
    tsan)
      need_packages libtsan2
      cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSOCKGRADE_SANITIZE=thread
      setarch "$(uname -m)" -R cmake --build build-tsan
      setarch "$(uname -m)" -R ctest --test-dir build-tsan --output-on-failure -j"$jobs" --timeout 900 "${tests_filter[@]}" || status=1
      ;;
    fuzz)
      seconds=60
      if ((i < ${#steps[@]})) && [[ ${steps[$i]} =~ ^[0-9]+$ ]]; then
        seconds=${steps[$i]}
        i=$((i + 1))
      fi
      need_packages clang-14 libclang-rt-14-dev
      cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
        -DSOCKGRADE_FUZZ=ON -DSOCKGRADE_TESTS=OFF
      cmake --build build-fuzz --target scenario_loader_fuzz
      ./build-fuzz/fuzz/scenario_loader_fuzz -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=16384 -dict=fuzz/scenario.dict -print_final_stats=1 \
        -artifact_prefix=build-fuzz/fuzz/artifacts/ \
        build-fuzz/fuzz/corpus scenarios tests/golden/validate || status=1
      ;;
    *)
      echo "usage: scripts/sanitizers.sh [asan] [tsan] [fuzz [SECONDS]]" >&2
      exit 2
      ;;
  esac
done
exit $status
