#!/bin/sh
# scripts/fuzz.sh - `make fuzz`: build the libFuzzer targets with clang and
# run each for FUZZ_SECONDS (default 60).
#
# Usage: fuzz.sh SRCDIR TARGET...   (TARGET: scenario, dist, override, ...)
# Environment, set by the make rule: FUZZ_CC (clang), FUZZ_CFLAGS (include
# paths and package flags), FUZZ_LIBS, FUZZ_SOURCES (the library's .c files,
# relative to SRCDIR).  Optional: FUZZ_SECONDS, FUZZ_OUT (keep the build and
# the grown corpora there instead of a temporary directory),
# FUZZ_ARTIFACTS (where crashing inputs are copied, default ./fuzz-artifacts).
#
# Each target fuzzes from its seed corpus tests/fuzz/TARGET/ and the
# directories of FUZZ_SEEDS_TARGET (read only: the inputs libFuzzer finds go
# to a scratch corpus) with its dictionary tests/fuzz/TARGET.dict when there
# is one.  A crash, a sanitizer finding, a
# leak, an input slower than 5 s or an allocation over 2 GiB fails the run;
# the input is copied to FUZZ_ARTIFACTS.  Once fixed, add it to
# tests/fuzz/TARGET/, where `make check` replays it for good.
#
# SPDX-License-Identifier: MIT
set -eu
srcdir=$(cd "$1" && pwd)
shift
cc=${FUZZ_CC:-clang}
secs=${FUZZ_SECONDS:-60}
artifacts=${FUZZ_ARTIFACTS:-$PWD/fuzz-artifacts}
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
flags="-g -O1 -fno-omit-frame-pointer -std=c11 $san ${FUZZ_CFLAGS:-}"

if [ -n "${FUZZ_OUT:-}" ]; then out=$FUZZ_OUT; mkdir -p "$out"; else
    out=$(mktemp -d "${TMPDIR:-/tmp}/pssim-fuzz.XXXXXX")
    trap 'rm -rf "$out"' EXIT
fi
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; return (int)n * 0; }' \
    >"$out/probe.c"
if ! $cc -fsanitize=fuzzer "$out/probe.c" -o "$out/probe" 2>/dev/null; then
    echo "fuzz: '$cc -fsanitize=fuzzer' does not work: install clang and libFuzzer" \
        "(Debian 12: apt-get install clang libclang-rt-14-dev)" >&2
    exit 2
fi

# the library once, instrumented for coverage but without libFuzzer's main
mkdir -p "$out/obj"
for src in ${FUZZ_SOURCES:?}; do echo "$src"; done |
    xargs -P "$(nproc 2>/dev/null || echo 2)" -I{} sh -c \
        'o="$1/obj/$(echo "$2" | tr / _).o"; '"$cc $flags"' -fsanitize=fuzzer-no-link -c "$3/$2" -o "$o"' \
        sh "$out" {} "$srcdir"
rm -f "$out/libfuzz.a"
ar rcs "$out/libfuzz.a" "$out"/obj/*.o # a target links only the members it uses

status=0
for t in "$@"; do
    bin=$out/fuzz_$t
    $cc $flags -fsanitize=fuzzer "$srcdir/tests/fuzz/fuzz_$t.c" "$srcdir/tests/fuzz/fuzz_util.c" \
        "$out/libfuzz.a" ${FUZZ_LIBS:-} -o "$bin"
    mkdir -p "$out/corpus/$t" "$out/crash/$t"
    dict= seeds=
    [ -f "$srcdir/tests/fuzz/$t.dict" ] && dict="-dict=$srcdir/tests/fuzz/$t.dict"
    for d in $(eval echo "\${FUZZ_SEEDS_$t:-}"); do seeds="$seeds $srcdir/$d"; done
    echo "fuzz: $t for $secs s"
    rc=0
    (cd "$out" && PSSIM_FUZZ_DATA="$srcdir/tests/data" ASAN_OPTIONS=detect_leaks=1 \
        "$bin" -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
        $dict -artifact_prefix="$out/crash/$t/" "$out/corpus/$t" "$srcdir/tests/fuzz/$t" $seeds \
        >"$out/$t.log" 2>&1) || rc=$?
    grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$out/$t.log" || true
    if [ "$rc" -ne 0 ] || [ -n "$(ls "$out/crash/$t")" ]; then
        status=1
        grep -A 30 -E '^==[0-9]+==|runtime error|ALARM|out-of-memory' "$out/$t.log" | head -n 50
        mkdir -p "$artifacts"
        for a in "$out/crash/$t"/*; do
            [ -e "$a" ] || continue
            cp "$a" "$artifacts/$t-$(basename "$a")"
            echo "fuzz: $t: input saved as $artifacts/$t-$(basename "$a")"
        done
    else
        echo "fuzz: $t: no finding ($(ls "$out/corpus/$t" | wc -l) new inputs)"
    fi
done
exit $status
