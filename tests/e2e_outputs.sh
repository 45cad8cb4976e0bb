#!/bin/sh
# tests/e2e_outputs.sh - hostile names and killed runs against every output (layer: tests).
#
# Names come from scenario files, which anyone may write.  A scenario whose
# `name:` holds quotes, backslashes, backquotes, a shell command and
# non-ASCII text, and one whose file name holds a newline, a quote and a
# byte that is not UTF-8, go through every output: --json and the Chrome
# trace must stay valid JSON holding the name (checked with SQLite's JSON
# functions), the CSV trace well formed, the ftrace comms clean, the
# database must hold the name byte for byte, and gnuplot must draw the
# plots without running anything.  Then the durability rules: a run killed
# with SIGKILL, while simulating or while being stored, leaves no part of
# itself in the database (which stays intact) and either no file or the
# whole trace under the trace's final name; plots are written whole (no
# temporary file left behind).
. "$(dirname "$0")/e2e_lib.sh"
sql() { sqlite3 -batch -noheader "$@"; }

# the value of JSON path $2 in file $1, or "invalid" when it does not parse
json_get() {
    sql :memory: "SELECT CASE WHEN json_valid(readfile('$1')) THEN
                  json_extract(readfile('$1'), '$2') ELSE 'invalid' END"
}

body='duration: 200ms
machine: {cpus: 2}
resources:
  - {name: lock-1.a_b, type: mutex}
processes:
  - name: we.ird-name_0
    count: 2
    threads:
      - name: t.-_x
        count: 2
        program:
          - loop:
              count: forever
              do: [{acquire: lock-1.a_b}, {run: 1ms}, {release: lock-1.a_b}, {sleep: 1ms}]'
hostile="q'uote \"dq\" back\\slash \`tick\` \$(touch pwned) ; , <&> é 日本"
printf '%s\n' 'name: "q'"'"'uote \"dq\" back\\slash `tick` $(touch pwned) ; , <&> é 日本"' \
    "$body" >named.yaml
file=$(printf 'ev"il\nline\377x.yaml')
printf '%s\n' "$body" >"$file"
file_name='ev"il_line_x' # what the loader makes of that file name

for case in named file; do
    if [ $case = named ]; then scn=named.yaml want=$hostile; else scn=$file want=$file_name; fi
    rm -rf out.json t.csv t.json t.ftrace r.db plots pwned
    "$PSSIM" run "$scn" --db r.db --json --trace t.csv >out.json 2>err.txt ||
        fail "$case: run with --db --json --trace exit $?"
    check "$case: --json is valid JSON and holds the name" \
        [ "$(json_get out.json '$.scenario')" = "$want" ]
    check "$case: the database holds the name byte for byte" \
        [ "$(sql r.db 'SELECT scenario FROM runs')" = "$want" ]
    check "$case: CSV trace rows have 9 fields" \
        awk -F, 'NF != 9 { bad = 1 } END { exit bad }' t.csv
    "$PSSIM" run "$scn" --no-db --quiet --trace t.json
    check "$case: the Chrome trace is valid JSON" [ "$(json_get t.json '$.traceEvents[0].ph')" != invalid ]
    "$PSSIM" run "$scn" --no-db --quiet --trace t.ftrace
    check "$case: ftrace comms hold only letters, digits and _ - . # /" \
        awk '/sched_switch/ { s = $0; sub(/.*prev_comm=/, "", s); sub(/ .*/, "", s);
                              if (s !~ /^[A-Za-z0-9_.#\/-]+$/) bad = 1 } END { exit bad }' t.ftrace
    "$PSSIM" run "$scn" --db r.db --quiet --plots --out plots 2>err.txt
    check "$case: gnuplot drew the plots" [ -n "$(ls plots/*.png 2>/dev/null)" ]
    check "$case: the name ran nothing" [ ! -e pwned ] && [ ! -e plots/pwned ]
    check "$case: plots leave no temporary file" \
        [ -z "$(ls plots | grep -v -E '\.(gp|dat|png)$')" ]
done

# --- SIGKILL leaves no partial run and no half trace ----------------------
# The trace is complete (and renamed) when the simulation ends, before the
# run is stored: killed later, the trace is whole and the database without
# the run.
cat >long.yaml <<'EOF'
duration: 2s
processes:
  - name: job
    arrivals: {every: 100us, count: 8000}
    threads:
      - count: 2
        program: [{run: 10us}, {sleep: 1ms}, {run: 10us}]
EOF
"$PSSIM" run long.yaml --db kill.db --quiet --trace whole.csv # the complete run
# every run in the database is complete: as many metric rows and slices as the first
whole_runs() {
    sql kill.db 'SELECT count(DISTINCT m || char(47) || s) = 1 AND (SELECT count(*) FROM metrics
        WHERE run_id NOT IN (SELECT id FROM runs)) = 0 FROM (SELECT (SELECT count(*) FROM metrics
        WHERE run_id = r.id) AS m, (SELECT count(*) FROM slices WHERE run_id = r.id) AS s FROM runs r)'
}
for delay in 0.1 0.5 1.5 3; do
    before=$(sql kill.db 'SELECT count(*) FROM runs')
    "$PSSIM" run long.yaml --db kill.db --quiet --trace kill.csv &
    pid=$!
    sleep $delay
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    added=$(($(sql kill.db 'SELECT count(*) FROM runs') - before))
    # 0, or 1 when the run was committed before the signal (on a loaded machine)
    check "killed after ${delay}s: only whole runs in the database ($added added)" \
        [ $added -le 1 ] && [ "$(whole_runs)" = 1 ]
    check "killed after ${delay}s: the database is intact" [ "$(sql kill.db 'PRAGMA integrity_check')" = ok ]
    if [ -e kill.csv ]; then
        check "killed after ${delay}s: the trace is whole" cmp -s kill.csv whole.csv
    else
        ok "killed after ${delay}s: no trace under the final name"
    fi
    rm -f kill.csv kill.csv.partial-*
done

exit $failed
