#!/bin/sh
# tests/e2e_compare.sh - end-to-end tests of `pssim compare` and the sweep plots (layer: tests).
#
# Runs $PSSIM (set by `make check`) in a temporary directory.  A tiny
# scenario (2 processors, CPU hogs and interactive threads) is run 4 times
# with different seeds into a.db, and 4 times into b.db with a longer
# quantum on purpose (36 units instead of the client quanta), which makes the
# hogs hold the processors longer: compare a.db with itself exits 0 with no
# change, a.db against b.db exits 1 and names the metrics that moved (wake-up
# latency and starvation up, fewer context switches), bad input exits 2.
# Then an experiment is run with `pssim batch` and drawn with `pssim plot
# --experiment`, and plain runs with `pssim plot --x --y`.  Each check
# prints "ok", "FAIL" or "SKIP" (a tool is missing: not counted as passed);
# the script fails if any check failed.
. "$(dirname "$0")/e2e_lib.sh"
skip() { echo "SKIP - $1"; }
have() { command -v "$1" >/dev/null 2>&1; }

cat >tiny.yaml <<'EOF'
name: tiny
duration: 2s
machine:
  cpus: 2
processes:
  - name: hog
    threads:
      - count: 3
        program:
          - loop: {count: forever, do: [{run: exp(30ms)}]}
  - name: ui
    threads:
      - count: 2
        program:
          - loop: {count: forever, do: [{run: exp(2ms)}, {sleep: exp(20ms)}]}
EOF

for k in 1 2 3 4; do
    "$PSSIM" run tiny.yaml --db a.db --seed $k --quiet || fail "baseline run $k"
    "$PSSIM" run tiny.yaml --db b.db --seed $k --quiet --set 'machine.quantum={units: 36}' ||
        fail "candidate run $k"
done

# --- a database against itself ----------------------------------------------
expect_exit 0 "compare a.db a.db" "$PSSIM" compare a.db a.db
check "a database against itself: nothing moved" \
    grep -q "^0 regressed, 0 improved, 0 changed, [0-9]* unchanged, 0 insufficient data$" out.txt
check "the 4 runs are matched as one point" grep -q "^matched:   1 point of 1 scenario$" out.txt

# --- a longer quantum -------------------------------------------------------
expect_exit 1 "compare a.db b.db (quantum 36 units) finds a regression" "$PSSIM" compare a.db b.db
check "the changed parameter is named" \
    grep -q "^changed:   tiny: machine.quantum.units: (absent) -> 36$" out.txt
for m in run:latency_p99 run:starvation_max; do
    check "$m regressed" grep -q "^regressed  *$m " out.txt
done
check "fewer context switches: improved" grep -q "^improved  *run:context_switches " out.txt
check "no unchanged metric is listed without --all" test -z "$(grep '^unchanged ' out.txt)"
"$PSSIM" compare a.db b.db --all >all.txt 2>err.txt
check "--all lists the unchanged ones too" grep -q "^unchanged " all.txt
expect_exit 1 "the other way round, other metrics regress" "$PSSIM" compare b.db a.db
check "... context switches up: regressed" grep -q "^regressed  *run:context_switches " out.txt
expect_exit 0 "a tolerance of 100000% takes nothing for a change" "$PSSIM" compare a.db b.db --tolerance 100000

# --- --metric ---------------------------------------------------------------
expect_exit 1 "--metric run:latency_p99 --metric run:jain_fairness" "$PSSIM" compare a.db b.db --metric run:latency_p99 --metric run:jain_fairness
check "only those metrics are compared" \
    test "$(grep -c '^[a-z]*  *run:' out.txt)" -eq 2 -a -z "$(grep 'process:' out.txt)"
expect_exit 1 "--metric process:ui:share" "$PSSIM" compare a.db b.db --metric process:ui:share
check "the interactive process lost CPU share: regressed" grep -q "^regressed  *process:ui:share " out.txt
expect_exit 2 "an unknown --metric" "$PSSIM" compare a.db b.db --metric run:cpu_time_of_nothing
check "... is named" grep -q "metric run:cpu_time_of_nothing: no such metric" err.txt

# --- JSON -------------------------------------------------------------------
expect_exit 1 "--json" "$PSSIM" compare a.db b.db --json
mv out.txt out.json
check "--json prints one line" test "$(wc -l <out.json)" -eq 1
check "--json names the regressed metrics" \
    grep -q '"scope":"run","entity":"","name":"latency_p99","direction":"up","verdict":"regressed"' out.json
if have python3; then
    check "--json is valid JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' out.json
elif have sqlite3; then
    check "--json is valid JSON" test "$(sqlite3 :memory: "SELECT json_valid(readfile('out.json'))")" = 1
else
    skip "neither python3 nor sqlite3: JSON not validated"
fi

# --- bad input --------------------------------------------------------------
expect_exit 2 "a missing database" "$PSSIM" compare a.db missing.db
echo "not a database at all, just text" >junk.db
expect_exit 2 "a file that is not a database" "$PSSIM" compare a.db junk.db
expect_exit 2 "one database only" "$PSSIM" compare a.db
expect_exit 2 "--alpha out of (0, 1)" "$PSSIM" compare a.db b.db --alpha 1.5
cat >other.yaml <<'EOF'
name: other
duration: 1s
processes:
  - name: job
    threads: [{program: [{run: 10ms}]}]
EOF
"$PSSIM" run other.yaml --db c.db --quiet
expect_exit 2 "databases of different scenarios: nothing to match" "$PSSIM" compare a.db c.db
check "... says so" grep -q "nothing to compare" err.txt

# --- the comparison plot ----------------------------------------------------
expect_exit 1 "--out DIR draws the comparison plot and keeps the exit status" "$PSSIM" compare a.db b.db --out cmp
check "comparison.gp and comparison.dat" test -s cmp/comparison.gp -a -s cmp/comparison.dat
if have gnuplot; then
    check "comparison.png" test -s cmp/comparison.png
else
    skip "gnuplot missing: comparison.png not checked"
fi

# --- sweep plots ------------------------------------------------------------
cat >sweep.yaml <<'EOF'
experiment: tiny-sweep
scenario: tiny.yaml
replications: 2
seed: 3
sweep:
  machine.cpus: [1, 2]
  machine.quantum: [client, {units: 36}]
plots:
  - {x: machine.cpus, y: latency_p99, series: machine.quantum}
  - {x: machine.quantum, y: jain_fairness}
EOF
expect_exit 0 "pssim batch of a 2 x 2 sweep" "$PSSIM" batch sweep.yaml --db e.db -j 2 --quiet
expect_exit 0 "pssim plot --experiment" "$PSSIM" plot --experiment tiny-sweep --db e.db --out sweep
for p in latency_p99-vs-machine.cpus jain_fairness-vs-machine.quantum; do
    check "$p.gp and $p.dat" test -s "sweep/$p.gp" -a -s "sweep/$p.dat"
    if have gnuplot; then check "$p.png" test -s "sweep/$p.png"; fi
done
check "one line per quantum, two points each with n = 2" \
    test "$(grep -c '^[12] [-0-9.e]* [-0-9.e]* [-0-9.e]* 2 ' sweep/latency_p99-vs-machine.cpus.dat)" -eq 4
check "the other swept key splits the lines of a plot that does not name it" \
    grep -q '^"machine.cpus = 2"$' sweep/jain_fairness-vs-machine.quantum.dat
expect_exit 2 "an unknown experiment" "$PSSIM" plot --experiment nope --db e.db
expect_exit 0 "pssim plot --x --y on plain runs of one scenario" "$PSSIM" plot --db b.db --x machine.cpus --y latency_p99 --out flat
check "... one point of 4 runs" grep -q '^2 [-0-9.e]* [-0-9.e]* [-0-9.e]* 4 ' flat/latency_p99-vs-machine.cpus.dat
expect_exit 2 "--x without a series over runs that differ in another key" "$PSSIM" plot --db e.db --x machine.cpus --y latency_p99

exit $failed
