#!/bin/sh
# scripts/check-valgrind.sh - `make check-valgrind`: a representative subset
# of the test suite under valgrind's memcheck.
#
# Usage: check-valgrind.sh BUILDDIR SRCDIR PROGRAM...
# Runs each unit-test PROGRAM (tests/check_*) and fuzz corpus replay
# (tests/fuzz/replay_*) of the list, others are skipped, in one process
# (CK_FORK=no, so that memcheck sees the tests themselves; the "death"
# tests, which must abort, are left out by tag), then `pssim run` on two
# scenarios and `pssim check` on the whole bad-input corpus.  Any memcheck
# error or leak fails the script.
#
# SPDX-License-Identifier: MIT
set -u
builddir=$(cd "$1" && pwd)
srcdir=$2
shift 2
vg="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible"
failed=0
srcdir=$(cd "$srcdir" && pwd)
export srcdir

run() { # run WANT DESCRIPTION COMMAND...: WANT is the expected exit status
    want=$1 desc=$2
    shift 2
    start=$(date +%s)
    "$@" >"$log" 2>&1
    got=$?
    if [ "$got" -eq "$want" ]; then
        echo "ok - $desc ($(($(date +%s) - start)) s)"
    else
        echo "FAIL - $desc: exit $got, expected $want"
        grep -E '^==[0-9]+==' "$log" | head -n 40
        tail -n 5 "$log"
        failed=1
    fi
}

command -v valgrind >/dev/null || { echo "check-valgrind: valgrind is not installed"; exit 1; }
work=$(mktemp -d) # pssim run writes its results database there
log=$work/log
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
for prog in "$@"; do
    case $prog in tests/check_* | tests/fuzz/replay_*) ;; *) continue ;; esac
    run 0 "$prog" env CK_FORK=no CK_EXCLUDE_TAGS=death $vg --error-exitcode=1 "$builddir/$prog"
done
pssim=$builddir/pssim
for scn in scenarios/demo.yaml tests/data/scenarios/full.yaml; do
    run 0 "pssim run $scn" $vg --error-exitcode=1 "$pssim" run "$srcdir/$scn" --duration 1s \
        --check-invariants --json
done
# exit 2 is the expected answer; memcheck's own errors show as 99
run 2 "pssim check on tests/data/bad" $vg --error-exitcode=99 "$pssim" check "$srcdir"/tests/data/bad/*.yaml
exit $failed
