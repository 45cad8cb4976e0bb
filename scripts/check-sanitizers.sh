#!/bin/sh
# scripts/check-sanitizers.sh - the whole test suite under AddressSanitizer,
# UndefinedBehaviorSanitizer and LeakSanitizer, without touching the in-tree
# build.
#
# Copies the source files (tracked and new, as git sees them) to a temporary
# directory, configures the copy with --enable-sanitizers and runs `make
# check` there.  Every sanitizer report is written to a log file (log_path)
# as well as failing the program that found it, so a finding fails this
# script even where a test ignores the exit status of the program at fault.
# Run from anywhere in the source tree; KEEP=1 keeps the copy for
# inspection.  Exit 0 only with a passing suite and zero findings.
#
# SPDX-License-Identifier: MIT
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/pssim-sanitizers.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then echo "keeping $work"; else trap 'rm -rf "$work"' EXIT; fi
jobs=$(nproc 2>/dev/null || echo 2)

# the source tree: what git tracks plus new files it does not ignore
(cd "$top" && git ls-files -z --cached --others --exclude-standard) |
    (cd "$top" && xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\n" "$f"; done' sh) \
        >"$work/files"
mkdir "$work/src" "$work/reports"
(cd "$top" && tar -cf - -T "$work/files") | (cd "$work/src" && tar -xf -)

cd "$work/src"
echo "sanitizers: building a copy in $work/src"
autoreconf -fi >"$work/autoreconf.log" 2>&1 || { cat "$work/autoreconf.log"; exit 1; }
./configure --enable-sanitizers >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; exit 1; }
make -j"$jobs" >"$work/build.log" 2>&1 || { tail -n 40 "$work/build.log"; exit 1; }

opts="halt_on_error=1:abort_on_error=0:log_path=$work/reports/report"
ASAN_OPTIONS="$opts:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
UBSAN_OPTIONS="$opts:print_stacktrace=1"
LSAN_OPTIONS="log_path=$work/reports/report"
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS

status=0
make -j"$jobs" check >"$work/check.log" 2>&1 || status=$?
grep -E '^(# [A-Z]+:|FAIL|ERROR)' "$work/check.log" || true
if [ "$status" -ne 0 ]; then
    echo "sanitizers: make check failed"
    for log in $(find . -name '*.log' -newer "$work/build.log" -path './tests/*'); do
        grep -q -E '^(FAIL|ERROR)' "$log" 2>/dev/null && { echo "== $log"; grep -E -B2 -A8 'FAIL|ERROR' "$log" | head -60; }
    done
fi
findings=$(find "$work/reports" -type f | wc -l)
if [ "$findings" -ne 0 ]; then
    echo "sanitizers: $findings report(s):"
    for r in "$work/reports"/*; do echo "== $r"; head -n 40 "$r"; done
    status=1
fi
[ "$status" -eq 0 ] && echo "sanitizers: make check passed with zero findings"
exit "$status"
