#!/bin/sh
# tests/e2e_store.sh - end-to-end tests of the results database and the plots (layer: tests).
#
# Runs $PSSIM (set by `make check`) in a temporary directory: what `run`
# stores is what `--json` prints (read back with the sqlite3 command), run ids
# grow, --no-db writes nothing, --plots and `pssim plot` write each plot's
# image, script and data, the scripts run on their own, names taken from a
# scenario or a database never run anything, and the failure cases give the
# documented exit codes.  Each check prints "ok", "FAIL" or "SKIP" (a tool is
# missing: not counted as passed); the script fails if any check failed.
. "$(dirname "$0")/e2e_lib.sh"
demo=$srcdir/scenarios/demo.yaml
plots="gantt latency_subsystem latency_priority_class share_entitlement utilization"
skip() { echo "SKIP - $1"; }
have() { command -v "$1" >/dev/null 2>&1; }

# --- what is stored is what --json prints ----------------------------------
# JSON rows and database rows as "scope|entity|name|value", the values
# normalised through the same %.17g so that both spell a double alike.
normalise() { awk -F'|' 'BEGIN { OFS = "|" } { if ($4 != "null") $4 = sprintf("%.17g", $4 + 0); print }'; }
json_rows() {
    sed 's/.*"metrics":\[{//; s/}\]}$//; s/},{/\n/g' "$1" |
        sed 's/^"scope":"\([^"]*\)","entity":"\([^"]*\)","name":"\([^"]*\)","value":\(.*\)$/\1|\2|\3|\4/' |
        normalise
}
db_rows() {
    sqlite3 pssim.db "SELECT scope, entity, name, ifnull(printf('%!.17g', value), 'null')
                      FROM metrics WHERE run_id = $1 ORDER BY rowid" | normalise
}

"$PSSIM" run "$demo" --duration 3s --json >run1.json 2>err.txt
check "run --json stores into pssim.db by default" test -s pssim.db
if have sqlite3; then
    json_rows run1.json >json.txt
    db_rows 1 >db.txt
    if [ "$(wc -l <json.txt)" -gt 50 ] && cmp -s json.txt db.txt; then
        ok "metric rows read back from the database equal the --json rows ($(wc -l <db.txt) rows)"
    else
        fail "database rows differ from --json rows"
        diff json.txt db.txt | head -5
    fi
    run=$(sqlite3 pssim.db "SELECT scenario || '|' || seed || '|' || status || '|' || sim_time_ns
                            || '|' || events || '|' || ifnull(experiment_id, 'NULL') FROM runs WHERE id = 1")
    want=$(sed 's/.*"scenario":"\([^"]*\)","seed":\([0-9]*\),"sim_time_ns":\([0-9]*\),"events":\([0-9]*\),.*"status":"\([^"]*\)".*/\1|\2|\5|\3|\4|NULL/' run1.json)
    check "the run row matches the --json header ($run)" test "$run" = "$want"
    cpus=$("$PSSIM" run "$demo" --duration 1s --set machine.cpus=8 --quiet &&
        sqlite3 pssim.db "SELECT json_extract(params, '$.machine.cpus') || ' ' ||
                          json_extract(params, '$.processes[0].name') FROM runs WHERE id = 2")
    check "params records the parameters after --set ($cpus)" test "$cpus" = "8 hog"
    "$PSSIM" run "$demo" --duration 1s >out.txt
    check "a third run gets run id 3" test "$(sqlite3 pssim.db 'SELECT max(id), count(*) FROM runs')" = "3|3"
    check "the summary says where the run was stored" grep -q "^results: run 3 in pssim.db$" out.txt
else
    skip "sqlite3 missing: database contents not checked"
fi

# --- --no-db writes nothing -----------------------------------------------
mkdir nodb
(cd nodb && "$PSSIM" run "$demo" --duration 1s --no-db --quiet)
check "--no-db writes nothing" test -z "$(ls -A nodb)"
(cd nodb && "$PSSIM" run "$demo" --duration 1s --no-db --plots --quiet 2>/dev/null)
check "--no-db --plots draws from memory and stores nothing" \
    test "$(ls -A nodb)" = pssim-plots -a -s nodb/pssim-plots/not-stored/gantt.gp
"$PSSIM" run "$demo" --no-db --db x.db --quiet 2>err.txt
check "--db with --no-db is a usage error" test $? -eq 2

# --- plots ------------------------------------------------------------------
# check_plot_dir DIR EXT: every plot's script, data and (with gnuplot) image
check_plot_dir() {
    for p in $plots; do
        check "$1: $p.gp and $p.dat" test -s "$1/$p.gp" -a -s "$1/$p.dat"
        if ! have gnuplot; then
            skip "gnuplot missing: $1/$p.$2 not checked"
        elif [ "$2" = png ]; then
            magic=$(od -An -tx1 -N8 "$1/$p.png" 2>/dev/null | tr -d ' \n')
            size=$(wc -c <"$1/$p.png" 2>/dev/null || echo 0)
            check "$1/$p.png is a PNG of $size bytes" test "$magic" = 89504e470d0a1a0a -a "$size" -gt 1024
        else
            check "$1/$p.$2 is written" test -s "$1/$p.$2"
        fi
    done
}

"$PSSIM" run "$demo" --plots --duration 3s >out.txt 2>err.txt
check "run --plots exits 0" test $? -eq 0
id=$(sed -n 's/^results: run \([0-9]*\) in pssim.db$/\1/p' out.txt)
check_plot_dir "pssim-plots/run-$id" png
if have gnuplot; then
    cp -r "pssim-plots/run-$id" copy && rm copy/*.png
    (cd copy && gnuplot gantt.gp && gnuplot utilization.gp) 2>err.txt
    check "cd DIR && gnuplot NAME.gp renders on its own" test -s copy/gantt.png -a -s copy/utilization.png
fi
"$PSSIM" plot --out latest >out.txt
check_plot_dir latest png
"$PSSIM" plot --run 1 --format svg --out svg1 >out.txt
check "plot --run 1 --format svg" grep -q "^plots: svg1/" out.txt
check_plot_dir svg1 svg

PSSIM_GNUPLOT=/nonexistent/gnuplot "$PSSIM" run "$demo" --duration 1s --plots --out nognuplot \
    --quiet 2>err.txt
st=$?
check "without gnuplot, run --plots still exits 0" test $st -eq 0
check "without gnuplot, a message says how to render" grep -q "cd nognuplot && gnuplot \*.gp" err.txt
check "without gnuplot, scripts and data are written" test -s nognuplot/gantt.gp -a -s nognuplot/gantt.dat
check "without gnuplot, no image" test ! -e nognuplot/gantt.png

# --- hostile names ----------------------------------------------------------
rm -f /tmp/pwned
cat >hostile.yaml <<'EOF'
name: '"; system("touch /tmp/pwned")'
duration: 1s
processes:
  - name: job
    threads: [{program: [{loop: {count: forever, do: [{run: 1ms}, {sleep: 1ms}]}}]}]
EOF
"$PSSIM" run hostile.yaml --plots --out hostile --quiet --db hostile.db 2>err.txt
check "a hostile scenario name runs nothing" test ! -e /tmp/pwned
if have sqlite3; then
    sqlite3 hostile.db "UPDATE slices SET process = '\"; system(\"touch /tmp/pwned\")';
                        UPDATE processes SET entity = '\`touch /tmp/pwned\`';
                        UPDATE series SET entity = 'x'''' @y \`touch /tmp/pwned\`' WHERE scope = 'process'"
    "$PSSIM" plot --db hostile.db --out hostile2 >/dev/null 2>err.txt
    check "hostile process names in a database run nothing" test ! -e /tmp/pwned
    check "hostile names are drawn as text" grep -q "'; system('touch /tmp/pwned')" hostile2/gantt.dat
else
    skip "sqlite3 missing: hostile names in a database not checked"
fi
rm -f /tmp/pwned

# --- failures ---------------------------------------------------------------
"$PSSIM" plot --db missing.db 2>err.txt
check "plot of a missing database exits 2" test $? -eq 2
"$PSSIM" plot --run 999 2>err.txt
check "plot of an unknown run exits 2" test $? -eq 2
check "... naming the run" grep -q "no run 999" err.txt
if have sqlite3; then
    cp pssim.db newer.db
    sqlite3 newer.db "UPDATE schema_version SET version = version + 1"
    "$PSSIM" run "$demo" --duration 1s --db newer.db --quiet 2>err.txt
    check "a newer database schema is refused (exit 3)" test $? -eq 3
    check "... with a clear message" grep -q "is newer than this pssim" err.txt
fi

exit $failed
