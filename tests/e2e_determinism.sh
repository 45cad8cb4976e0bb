#!/bin/sh
# tests/e2e_determinism.sh - the same scenario, seed and build give the same bytes (layer: tests).
#
# Runs scenarios twice with one seed and compares, byte for byte, the --json
# output (without wall_seconds), the CSV trace and the metric rows stored in
# the results database (every column of each row, values at full
# precision, in their stored order); then once more with another seed,
# which must change all three.  The two runs share one database, so the
# rows are compared run by run.
. "$(dirname "$0")/e2e_lib.sh"

# run TAG SCENARIO SEED: TAG.json (without wall time), TAG.csv, TAG.rows
run() {
    "$PSSIM" run "$2" --seed "$3" --duration 2s --json --db runs.db --trace "$1.csv" >"$1.raw" ||
        fail "$1: pssim run exit $?"
    sed 's/"wall_seconds":[^,]*,//' "$1.raw" >"$1.json"
    sqlite3 -batch runs.db "SELECT scope, entity, name, printf('%!.17g', value) FROM metrics
        WHERE run_id = (SELECT max(id) FROM runs) ORDER BY rowid" >"$1.rows"
}

# same WHAT A B: files A and B are identical and not empty
same() {
    if [ -s "$2" ] && cmp -s "$2" "$3"; then ok "$1"; else fail "$1 ($2 and $3 differ)"; fi
}
differ() {
    if [ -s "$2" ] && ! cmp -s "$2" "$3"; then ok "$1"; else fail "$1 ($2 and $3 are the same)"; fi
}

for scn in demo producer-consumer; do
    f=$srcdir/scenarios/$scn.yaml
    run a "$f" 7
    run b "$f" 7
    run c "$f" 8
    same "$scn: same seed, same --json" a.json b.json
    same "$scn: same seed, same CSV trace" a.csv b.csv
    same "$scn: same seed, same stored metric rows" a.rows b.rows
    [ "$(wc -l <a.rows)" -gt 10 ] || fail "$scn: too few stored metric rows"
    differ "$scn: another seed, another --json" a.json c.json
    differ "$scn: another seed, another CSV trace" a.csv c.csv
    differ "$scn: another seed, other stored metric rows" a.rows c.rows
done
exit $failed
