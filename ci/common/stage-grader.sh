#!/usr/bin/env bash
# Puts a ready-to-run sockgrade grader for one lab in OUTDIR: what the
# Gradescope zip and the Classroom 50 bundle both hold.
#
#   ci/common/stage-grader.sh OUTDIR --lab NAME|FILE [--run LINE] [--build LINE]
#                             [--port N] [--lang en|pt] [--build-dir DIR]
#
#   OUTDIR/sockgrade/                  portable sockgrade (packaging/make-portable.sh)
#   OUTDIR/sockgrade_ci.py             the autograders' shared Python
#   OUTDIR/sockgrade-assignment.yaml   lab and the defaults for run, build, port, lang
#
# --lab FILE copies your own scenario into the portable tree, found by name.
# --build-dir: a built sockgrade build folder (default: build/ of this repository).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
usage() { sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 1 ] || usage
out=$1; shift
lab="" run="" build="" port="" lang=""
build_dir=$repo/build
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || usage
  case "$1" in
    --lab) lab=$2 ;;
    --run) run=$2 ;;
    --build) build=$2 ;;
    --port) port=$2 ;;
    --lang) lang=$2 ;;
    --build-dir) build_dir=$2 ;;
    *) usage ;;
  esac
  shift 2
done
[ -n "$lab" ] || usage

mkdir -p "$out"
bash "$repo/packaging/make-portable.sh" "$build_dir" "$out/sockgrade"
if [ -f "$lab" ]; then
  name=$(basename "$lab"); name=${name%.yaml}; name=${name%.yml}
  cp "$lab" "$out/sockgrade/share/sockgrade/scenarios/$name.yaml"
  lab=$name
fi
"$out/sockgrade/bin/sockgrade" validate "$lab" >&2

cp "$here/sockgrade_ci.py" "$out/"
quote() { printf "'%s'" "${1//\'/\'\'}"; }
{
  echo "lab: $(quote "$lab")"
  [ -z "$run" ] || echo "run: $(quote "$run")"
  [ -z "$build" ] || echo "build: $(quote "$build")"
  [ -z "$port" ] || echo "port: $port"
  [ -z "$lang" ] || echo "lang: $lang"
} > "$out/sockgrade-assignment.yaml"
