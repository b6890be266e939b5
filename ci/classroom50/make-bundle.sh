#!/usr/bin/env bash
# Fills a Classroom 50 per-assignment autograder folder for one sockgrade lab
# (docs/ci.md): commit OUTDIR as CLASSROOM/autograders/ASSIGNMENT/ in your
# classroom50 repository; publish-pages bundles it for the runner.
#
#   ci/classroom50/make-bundle.sh OUTDIR --lab LAB [--run LINE] [--build LINE]
#                                 [--port N] [--lang en|pt] [--build-dir DIR]
#
#   OUTDIR/autograder.py               the entry point Classroom 50's runner calls
#   OUTDIR/sockgrade_ci.py, OUTDIR/sockgrade-assignment.yaml, OUTDIR/sockgrade/
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
if [ $# -lt 3 ]; then sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; fi
out=$1; shift
rm -rf "$out/sockgrade"
bash "$repo/ci/common/stage-grader.sh" "$out" "$@"
cp "$here/autograder.py" "$out/"
size=$(du -sk "$out" | cut -f1)
# The runner refuses bundles over 10 MB (runner.py MAX_FETCH_BYTES); the tarball is smaller than this.
[ "$size" -lt 10240 ] || echo "make-bundle: warning: $out is ${size} KiB; Classroom 50 fetches at most 10 MB" >&2
echo "make-bundle: $out" >&2
