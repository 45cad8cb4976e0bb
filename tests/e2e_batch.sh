#!/bin/sh
# tests/e2e_batch.sh - end-to-end tests of `pssim batch` and `pssim merge` (layer: tests).
#
# Runs $PSSIM (set by `make check`) in a temporary directory on a 2 x 2
# sweep with 3 replications of tests/data/batch/busy.yaml: 12 runs stored;
# -j 1 and -j 2 store the same metric rows (compared as sqlite3 dumps joined
# with the sweep point and replication, wall times left out); a batch killed
# with SIGKILL, or stopped with SIGINT, then resumed ends with exactly the 12
# runs, none twice, none partial, equal to an uninterrupted batch, and no
# worker outlives it; shards 1/2 and 2/2 (with GNU parallel when installed)
# merged equal the whole batch, and merging again adds nothing; the
# refusals exit 2 with their messages.  Each check prints "ok", "FAIL" or
# "SKIP"; the script fails if any check failed, and is skipped (77) without
# the sqlite3 command.
. "$(dirname "$0")/e2e_lib.sh"
command -v sqlite3 >/dev/null 2>&1 || { echo "SKIP: the sqlite3 command is missing"; exit 77; }

# experiment FILE NAME [EXTRA SWEEP LINE]: the 2 x 2 x 3 experiment
experiment() {
    cat >"$1" <<EOF
experiment: $2
scenario: $srcdir/tests/data/batch/busy.yaml
replications: 3
seed: 17
sweep:
  machine.cpus: [1, 2]
  processes.hog.threads.worker.count: [2, 4]
${3:-}
EOF
}
# Every metric row with its run's identity, wall time left out.
dump() {
    sqlite3 "$1" "SELECT r.point, r.replication, r.seed, r.status, r.sim_time_ns, r.events,
                         m.scope, m.entity, m.name, ifnull(printf('%!.17g', m.value), 'null')
                  FROM metrics m JOIN runs r ON r.id = m.run_id
                  ORDER BY r.point, r.replication, m.rowid"
}
q() { sqlite3 "$1" "$2"; }
# "12 12 0": runs, distinct (point, replication), runs without metric rows
census() {
    q "$1" "SELECT count(*) || ' ' || count(DISTINCT point * 1000 + replication) || ' ' ||
                   sum(NOT EXISTS (SELECT 1 FROM metrics m WHERE m.run_id = r.id)) FROM runs r"
}
same_dump() { # same_dump A.db B.db
    dump "$1" >a.txt
    dump "$2" >b.txt
    [ "$(wc -l <a.txt)" -gt 500 ] && cmp -s a.txt b.txt
}
count() { q "$1" "SELECT count(*) FROM runs" 2>/dev/null || echo 0; }
# said WANT GOT FILE PATTERN: the exit status GOT is WANT and FILE matches PATTERN
said() { [ "$2" -eq "$1" ] && grep -q "$4" "$3"; }
# Children of process $1 (from /proc, so that no tool is needed).
children() {
    for s in /proc/[0-9]*/status; do
        awk -v p="$1" '/^PPid:/ && $2 == p { split(FILENAME, f, "/"); print f[3] }' "$s" 2>/dev/null
    done
}
alive() { # alive PID: running, not a zombie waiting to be reaped
    [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}
# wait_runs DB N PID: until DB holds N runs (or PID is gone, or 60 s)
wait_runs() {
    i=0
    while [ "$(count "$1")" -lt "$2" ] && kill -0 "$3" 2>/dev/null && [ $i -lt 1200 ]; do
        sleep 0.05
        i=$((i + 1))
    done
}

experiment exp.yaml sweep
# --- 12 runs; -j 1 and -j 2 alike -------------------------------------------
"$PSSIM" batch exp.yaml -j 1 --db j1.db >out1.txt 2>err1.txt
check "batch -j 1 exits 0" test $? -eq 0
check "batch -j 1 stores the 12 runs, each once, each whole" test "$(census j1.db)" = "12 12 0"
check "every run is done, with the seed derived from (seed, point, replication)" \
    test "$(q j1.db "SELECT count(DISTINCT seed) FROM runs WHERE status = 'done'")" = 12
line='^\[[0-9]*/12\] point [0-3] replication [0-2] seed [0-9]* '
line="$line(machine.cpus=[12], processes.hog.threads.worker.count=[24]): done, "
check "not on a terminal, progress is one line per run" test "$(grep -c "$line" err1.txt)" = 12
check "the summary names the experiment and the database" grep -q \
    "^experiment sweep: 12 of 12 runs stored in j1.db (0 failed); this batch ran 12 in" out1.txt
"$PSSIM" batch exp.yaml -j 2 --db j2.db >/dev/null 2>&1
check "batch -j 2 stores the 12 runs" test "$(census j2.db)" = "12 12 0"
check "-j 1 and -j 2 store identical metric rows ($(dump j1.db | wc -l) rows)" same_dump j1.db j2.db
check "the experiment is recorded with its definition" \
    test "$(q j1.db "SELECT name || ' ' || length(definition_hash) FROM experiments")" = "sweep 16"

# --- refusals ---------------------------------------------------------------
"$PSSIM" batch exp.yaml --db j1.db >out.txt 2>err.txt
check "a batch whose runs are all stored does nothing (exit 0)" \
    grep -q "this batch ran 0 in .*the others were already stored" out.txt
q j2.db "PRAGMA foreign_keys = ON; DELETE FROM runs WHERE point = 3"
"$PSSIM" batch exp.yaml --db j2.db >out.txt 2>err.txt
st=$?
check "runs already stored without --resume: exit 2 and what to do" said 2 $st err.txt \
    "j2.db already holds 9 of the 12 runs of experiment 'sweep': add --resume to do the 3 others"
"$PSSIM" batch exp.yaml --db j2.db --resume >/dev/null 2>&1
check "--resume does the missing runs only" test "$(census j2.db)" = "12 12 0"
check "... and the rows equal a whole batch's" same_dump j1.db j2.db
experiment other.yaml sweep "  duration: [30ms]"
"$PSSIM" batch other.yaml --db j1.db >out.txt 2>err.txt
st=$?
check "another definition under the same name: exit 2" said 2 $st err.txt \
    "already holds experiment 'sweep' with another definition"
check "... and a new --db file is suggested" grep -q "give a new --db file" err.txt
printf 'experiment: bad\nscenario: %s\nsweep:\n  machine.cpus: [2, 100]\n' \
    "$srcdir/tests/data/batch/busy.yaml" >bad.yaml
"$PSSIM" batch bad.yaml --db bad.db >/dev/null 2>err.txt
st=$?
check "a bad sweep value: exit 2 at its position in the experiment file" said 2 $st err.txt \
    "^bad.yaml:4:21: error: machine.cpus = 100: 'cpus' must be between 1 and 64, got 100"

"$PSSIM" batch "$srcdir/scenarios/experiments/wsl-vs-win32.yaml" --check >out.txt 2>&1
check "the example experiment is valid (--check)" \
    grep -q ": ok (experiment wsl-vs-win32: 6 points x 5 replications = 30 runs, definition" out.txt

# --- kill -9 in mid-run, then --resume --------------------------------------
experiment slow.yaml slow "  duration: [5s]"
"$PSSIM" batch slow.yaml -j 2 --db full.db >/dev/null 2>&1
"$PSSIM" batch slow.yaml -j 2 --db k.db >/dev/null 2>&1 &
pid=$!
wait_runs k.db 2 $pid
workers=$(children $pid)
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
at_kill=$(count k.db)
check "killed in mid-run ($at_kill of 12 runs stored, workers: $(echo $workers))" \
    test "$at_kill" -ge 2 -a "$at_kill" -lt 12 -a -n "$workers"
i=0
while [ $i -lt 40 ]; do
    left=""
    for w in $workers; do alive "$w" && left="$left $w"; done
    [ -z "$left" ] && break
    sleep 0.05
    i=$((i + 1))
done
check "no worker outlives the killed batch" test -z "$left"
check "the killed batch left whole runs only" test "$(census k.db)" = "$at_kill $at_kill 0"
"$PSSIM" batch slow.yaml -j 2 --db k.db --resume >/dev/null 2>err.txt
check "--resume after kill -9 ends with exactly the 12 runs, none twice, none partial" \
    test "$(census k.db)" = "12 12 0"
check "... equal to an uninterrupted batch" same_dump full.db k.db

# --- SIGINT (Ctrl-C) --------------------------------------------------------
"$PSSIM" batch slow.yaml -j 2 --db c.db >/dev/null 2>err.txt &
pid=$!
wait_runs c.db 2 $pid
kill -INT $pid
wait $pid
st=$?
n=$(count c.db)
check "Ctrl-C exits 130 with $n runs stored, each whole" \
    test $st -eq 130 -a "$(census c.db)" = "$n $n 0" -a "$n" -lt 12
check "... and says how to resume" \
    grep -q "^  pssim batch slow.yaml --resume --db c.db -j 2$" err.txt
"$PSSIM" batch slow.yaml -j 2 --db c.db --resume >/dev/null 2>&1
check "--resume after Ctrl-C completes the batch" same_dump full.db c.db

# --- shards and merge -------------------------------------------------------
if command -v parallel >/dev/null 2>&1; then
    how="with GNU parallel"
    parallel --will-cite "$PSSIM" batch exp.yaml -j 1 --shard {}/2 --db shard-{}.db ::: 1 2 \
        >/dev/null 2>&1
else
    how="one after the other (GNU parallel is not installed)"
    for k in 1 2; do
        "$PSSIM" batch exp.yaml -j 1 --shard $k/2 --db shard-$k.db >/dev/null 2>&1
    done
fi
check "shards 1/2 and 2/2, run $how, hold 6 runs each" \
    test "$(count shard-1.db) $(count shard-2.db)" = "6 6"
index=$(q shard-1.db "SELECT group_concat(i) FROM (SELECT point * 3 + replication AS i FROM runs
                                                   ORDER BY i)")
check "shard 1/2 holds the runs of even index" test "$index" = "0,2,4,6,8,10"
"$PSSIM" merge merged.db shard-1.db shard-2.db >out.txt 2>&1
check "merge copies the 12 runs" \
    grep -q "^merged 2 files into merged.db: 12 runs copied, 0 already there$" out.txt
check "the merged shards equal a single full batch" same_dump j1.db merged.db
"$PSSIM" merge merged.db shard-2.db shard-1.db >out.txt 2>&1
check "merging again adds nothing" grep -q ": 0 runs copied, 12 already there$" out.txt
check "... and leaves 12 runs and 1 experiment" \
    test "$(count merged.db) $(q merged.db 'SELECT count(*) FROM experiments')" = "12 1"
"$PSSIM" batch other.yaml -j 2 --db other.db >/dev/null 2>&1
"$PSSIM" merge merged.db other.db >out.txt 2>err.txt
st=$?
check "merging another definition of the experiment: exit 2" said 2 $st err.txt \
    "runs of different experiments are not merged"
check "... and nothing is copied" test "$(count merged.db)" = 12
"$PSSIM" merge merged.db missing.db >/dev/null 2>&1
check "merging a missing file: exit 2" test $? -eq 2

exit $failed
