#!/usr/bin/env bash
# The README's main command: install, build, and grade every example
# submission in examples/ with the shipped scenarios, printing the reports.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh || exit 2
status=0
for dir in examples/*/; do
  echo "=== ${dir%/}"
  ./build/sockgrade check "$dir" --teacher
  code=$?
  [ "$code" -eq 2 ] && status=2
  echo
done
exit $status
