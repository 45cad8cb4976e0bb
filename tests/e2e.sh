#!/bin/sh
# tests/e2e.sh - end-to-end tests of the pssim command (layer: tests).
#
# Runs the installed-to-be binary ($PSSIM, set by `make check`) on the
# example scenarios and the bad-input corpus, and checks exit codes, messages
# and determinism.  Each check prints "ok" or "FAIL: why"; the script fails if
# any check failed.
. "$(dirname "$0")/e2e_lib.sh"


# --- every example scenario is valid and runs, under every policy ---------
policies=$("$PSSIM" run --help | sed -n '/^policies/,$p' | awk 'NR > 1 && NF { print $1 }')
[ -n "$policies" ] || fail "run --help lists no policies"
for f in "$srcdir"/scenarios/*.yaml; do
    name=$(basename "$f")
    expect_exit 0 "check $name" "$PSSIM" check "$f"
    for policy in $policies; do
        expect_exit 0 "run $name under $policy" "$PSSIM" run "$f" --duration 2s \
            --set machine.policy=$policy --check-invariants --quiet
    done
done

# --- the bad-input corpus: exit 2, first message with file:line:col -------
# ... in well under a second each: more than 1 s fails (a hang is cut at 10 s)
for f in "$srcdir"/tests/data/bad/*.yaml; do
    name=$(basename "$f" .yaml)
    t0=$(date +%s%N)
    timeout 10 "$PSSIM" check "$f" >out.txt 2>err.txt
    got=$?
    ms=$((($(date +%s%N) - t0) / 1000000))
    [ "$ms" -gt 1000 ] && fail "bad/$name: took $ms ms (more than 1 s)"
    want=$(cat "$srcdir/tests/data/bad/$name.err")
    first=$(head -n 1 err.txt)
    match=0 # a .err ending in "..." gives only the start of the message
    case $want in
    *...) case $first in "$f${want%...}"*) match=1 ;; esac ;;
    *) [ "$first" = "$f$want" ] && match=1 ;;
    esac
    if [ "$got" -ne 2 ]; then
        fail "bad/$name: exit $got, expected 2"
    elif [ $match -eq 0 ]; then
        fail "bad/$name: message '$first', expected '$f$want'"
    else
        ok "bad/$name"
    fi
done

# --- determinism: the same seed gives the same metrics, byte for byte -----
demo=$srcdir/scenarios/demo.yaml
strip_wall() { sed 's/"wall_seconds":[^,]*,//' "$1"; }
"$PSSIM" run "$demo" --duration 3s --json >a.json
"$PSSIM" run "$demo" --duration 3s --json >b.json
if [ -s a.json ] && [ "$(strip_wall a.json)" = "$(strip_wall b.json)" ]; then
    ok "same seed, same --json"
else
    fail "same seed gave different --json"
fi
"$PSSIM" run "$demo" --duration 3s --json --seed 99 >c.json
if [ "$(strip_wall a.json)" != "$(strip_wall c.json)" ]; then ok "another seed, other metrics"; else
    fail "--seed had no effect"
fi

# --- overrides and options -------------------------------------------------
"$PSSIM" run "$demo" --duration 1s --json --set machine.cpus=2 >d.json
if grep -q '"scope":"cpu","entity":"1"' d.json && ! grep -q '"scope":"cpu","entity":"2"' d.json; then
    ok "--set machine.cpus=2 gives 2 cpus"
else
    fail "--set machine.cpus=2 not applied"
fi
"$PSSIM" run "$demo" --max-events 1000 --json >e.json
if grep -q '"events":1000,' e.json && grep -q '"status":"max_events"' e.json; then
    ok "--max-events stops the run"
else
    fail "--max-events"
fi
expect_exit 0 "--help" "$PSSIM" --help
expect_exit 0 "run --help" "$PSSIM" run --help
expect_exit 0 "--version" "$PSSIM" --version
expect_exit 2 "no command" "$PSSIM"
expect_exit 2 "unknown command" "$PSSIM" frobnicate
expect_exit 2 "unknown option" "$PSSIM" run "$demo" --frob
expect_exit 2 "bad --seed" "$PSSIM" run "$demo" --seed -3
expect_exit 2 "--duration without unit" "$PSSIM" run "$demo" --duration 10
expect_exit 2 "missing scenario file" "$PSSIM" run no-such-file.yaml
expect_exit 2 "bad --set value" "$PSSIM" run "$demo" --set machine.cpus=zero
if grep -q "^--set machine.cpus=zero: error:" err.txt; then ok "--set error names the override"; else
    fail "--set error message: $(cat err.txt)"
fi
"$PSSIM" run "$demo" --duration 1s >summary.txt 2>&1
if grep -q "utili" summary.txt && grep -q "wsl" summary.txt; then ok "summary table"; else
    fail "summary table lacks utilisation or the wsl subsystem"
fi

exit $failed
