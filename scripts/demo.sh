#!/usr/bin/env bash
# The README's main command: install, build, and grade every example
# submission in examples/ with the shipped scenarios, printing the reports.
set -uo pipefail
cd "$(dirname "$0")/.."
# Only the grader: the examples are built by `check` itself, and the tests
# (most of a full build) are scripts/test.sh's.
bash scripts/build.sh sockgrade || exit 2
status=0
for dir in examples/*/; do
  echo "=== ${dir%/}"
  ./build/sockgrade check "$dir" --teacher
  code=$?
  [ "$code" -eq 2 ] && status=2
  echo
done
exit $status
