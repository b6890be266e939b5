#!/usr/bin/env bash
# Builds a Gradescope autograder zip for one sockgrade lab (docs/ci.md).
#
#   ci/gradescope/make-zip.sh -o autograder.zip --lab LAB [options]
#
#   --lab NAME|FILE     a shipped scenario (chat-server, ...) or your own scenario file
#   --run LINE          default program command line, for submissions without .sockgrade.yaml
#   --build LINE        default build line
#   --port N            default port
#   --lang en|pt        feedback language
#   --apt "PKG ..."     Ubuntu packages setup.sh installs for students' programs
#                       (default: python3 build-essential)
#   --build-dir DIR     a built sockgrade build folder (default: build/ of this repository)
#   -o FILE             the zip to write (default: autograder.zip)
#
# The zip holds, at its root: setup.sh, run_autograder, sockgrade_ci.py,
# sockgrade-assignment.yaml, apt-packages.txt and sockgrade/ (a portable
# sockgrade with its libraries: Gradescope's Ubuntu images cannot build it).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
usage() { sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

out=autograder.zip
apt="python3 build-essential"
stage_args=()
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || usage
  case "$1" in
    -o) out=$2 ;;
    --apt) apt=$2 ;;
    --lab|--run|--build|--port|--lang|--build-dir) stage_args+=("$1" "$2") ;;
    *) usage ;;
  esac
  shift 2
done
case "$out" in /*) ;; *) out=$PWD/$out ;; esac

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
bash "$repo/ci/common/stage-grader.sh" "$stage" "${stage_args[@]}"
cp "$here/setup.sh" "$here/run_autograder" "$stage/"
chmod 755 "$stage/setup.sh" "$stage/run_autograder"
echo "$apt" > "$stage/apt-packages.txt"

rm -f "$out"
# Files at the zip's root, modes kept (Python's zipfile: no `zip` needed).
(cd "$stage" && python3 - "$out" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for folder, dirs, files in os.walk("."):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            z.write(path, os.path.relpath(path, "."))
PY
)
echo "make-zip: $out" >&2
