#!/usr/bin/env bash
# Usage: slurm-submit.sh LAB CLASS OUT [SHARDS]
# Submits the grading array and the merge job that waits for it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
LAB="$1" CLASS="$2" OUT="$3" SHARDS="${4:-4}"
export LAB CLASS OUT SHARDS
array=$(sbatch --parsable --array="1-$SHARDS" --export=ALL "$here/slurm-grade.sbatch")
sbatch --dependency="afterany:$array" --export=ALL "$here/slurm-merge.sbatch"
echo "grading array $array ($SHARDS slices); the merged gradebook will be in $OUT/merged"
