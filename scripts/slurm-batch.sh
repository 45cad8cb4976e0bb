#!/bin/sh
# scripts/slurm-batch.sh - run a pssim experiment as a Slurm job array, then merge its shards.
#
#   sh scripts/slurm-batch.sh EXPERIMENT [SHARDS [DIR]]
#
# Run on a machine that can submit jobs (a login node).  It submits
#  - a job array of SHARDS tasks (default 4); task ID (0 .. SHARDS-1) runs
#      pssim batch EXPERIMENT --shard $((ID + 1))/SHARDS --db DIR/shard-ID.db \
#          --resume -j $SLURM_CPUS_PER_TASK
#    (--resume: a task that is requeued, after a preemption or a node
#    failure, goes on where it stopped instead of being refused);
#  - a merge job that starts once every task has succeeded
#    (--dependency=afterok:ARRAY_JOB) and runs
#      pssim merge DIR/merged.db DIR/shard-0.db ... DIR/shard-(SHARDS-1).db
# and prints the two job ids.  DIR (default: the experiment file's name
# without .yaml, plus -results, in the current directory) receives the
# databases and the jobs' logs (shard-ID.log, merge.log); it must be on a
# file system every node sees.  The shards are disjoint and together make
# every run of the experiment (README "Batch experiments").
#
# Environment:
#   PSSIM        the pssim program (default: pssim in PATH, else ./pssim)
#   SBATCH_ARGS  more sbatch options for every job: --partition=..., --time=...,
#                --cpus-per-task=N (the workers of each task), --account=...
#   PSSIM_WAIT   1: wait until the merge job has ended (sbatch --wait); the exit
#                status is then 0 only when every shard and the merge succeeded
#
# The same file is the jobs' script: sbatch runs it with "task" or "merge" as
# its first argument, then the pssim program and the rest.
#
# SPDX-License-Identifier: MIT
set -eu

die() { echo "slurm-batch.sh: $*" >&2; exit 2; }
absolute() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }

# ---- inside the jobs ----------------------------------------------------------
if [ "${1:-}" = task ]; then
    pssim=$2 exp=$3 shards=$4 dir=$5
    id=${SLURM_ARRAY_TASK_ID:?not started as a Slurm array task}
    exec "$pssim" batch "$exp" --shard "$((id + 1))/$shards" --db "$dir/shard-$id.db" \
        --resume -j "${SLURM_CPUS_PER_TASK:-1}"
fi
if [ "${1:-}" = merge ]; then
    pssim=$2 shards=$3 dir=$4
    set --
    i=0
    while [ "$i" -lt "$shards" ]; do
        set -- "$@" "$dir/shard-$i.db"
        i=$((i + 1))
    done
    exec "$pssim" merge "$dir/merged.db" "$@"
fi

# ---- submitting ---------------------------------------------------------------
[ $# -ge 1 ] && [ $# -le 3 ] || die "usage: sh scripts/slurm-batch.sh EXPERIMENT [SHARDS [DIR]]"
[ -r "$1" ] || die "$1: no such experiment file"
exp=$(absolute "$1")
shards=${2:-4}
case $shards in '' | *[!0-9]* | 0) die "SHARDS must be a positive integer, got '$shards'" ;; esac
base=$(basename "$1")
dir=$(absolute "${3:-${base%.yaml}-results}")
if [ -z "${PSSIM:-}" ]; then
    PSSIM=$(command -v pssim || echo "$PWD/pssim")
fi
PSSIM=$(absolute "$PSSIM")
[ -x "$PSSIM" ] || die "no pssim program at $PSSIM (set PSSIM)"
command -v sbatch >/dev/null 2>&1 || die "sbatch not found: is this a Slurm login node?"
mkdir -p "$dir"
self=$(absolute "$0")
name=pssim-${base%.yaml}
# A bad experiment fails here, before anything is queued.
"$PSSIM" batch "$exp" --check >/dev/null || die "$1 is not a valid experiment (see above)"

# shellcheck disable=SC2086 # SBATCH_ARGS is a list of options
array=$(sbatch --parsable ${SBATCH_ARGS:-} --job-name="$name" --array="0-$((shards - 1))" \
    --output="$dir/shard-%a.log" "$self" task "$PSSIM" "$exp" "$shards" "$dir")
array=${array%%;*} # "id;cluster" on federated clusters
echo "submitted: job array $array ($shards shards of $1)"
wait=
[ "${PSSIM_WAIT:-0}" = 1 ] && wait=--wait
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_ARGS:-} --job-name="$name-merge" \
    --dependency="afterok:$array" --kill-on-invalid-dep=yes --output="$dir/merge.log" \
    $wait "$self" merge "$PSSIM" "$shards" "$dir") || {
    echo "slurm-batch.sh: the merge did not succeed (a shard failed, or the merge itself);" \
        "see $dir/shard-*.log and $dir/merge.log" >&2
    exit 1
}
echo "submitted: merge job ${merge%%;*}, after the array${wait:+; it has ended}"
echo "results:   $dir/merged.db (shards: $dir/shard-ID.db, logs: $dir/*.log)"
