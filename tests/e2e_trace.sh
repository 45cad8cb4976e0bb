#!/bin/sh
# tests/e2e_trace.sh - end-to-end tests of `pssim run --trace` (layer: tests).
#
# Runs the demo and the affinity scenario with each trace format and checks
# the traces against the run's own --json metrics and against the formats:
#   csv     the slices of each thread sum exactly to its cpu_time, and those
#           of each processor to its busy_time; no two slices overlap on one
#           processor; a thread is never on two processors at once; affinity
#           masks hold (affinity scenario);
#   ftrace  every line matches Perfetto's ftrace text tokenizer and the
#           regular expression of its event; per processor, timestamps never
#           decrease and each switch starts from the thread the last one ran;
#   json    the file parses (python3 -m json.tool, else a line-shape check;
#           the output says which ran) and complete events have dur >= 0.
# The WSL build storm (with its pico provider lock) for lock holds and
# notify markers: ftrace lines match, every gcc creation has a notify marker
# with is_subsystem=1, the curl vetoes show, the JSON parses.
# Then: names as hostile as the loader allows, an unknown extension (exit
# 2), a failed run and a full disk (no trace left, exit 3), Ctrl-C (the
# trace is kept whole), determinism, and flat memory with a trace.
. "$(dirname "$0")/e2e_lib.sh"

# metric SCOPE NAME FILE: "entity value" lines of one metric from --json
metric() {
    tr '{' '\n' <"$3" | grep "\"scope\":\"$1\"," | grep "\"name\":\"$2\"," |
        sed 's/.*"entity":"\([^"]*\)".*"value":\([^}]*\)}.*/\1 \2/'
}

# ===== CSV ==================================================================

csv_header() {
    [ "$(head -n 1 "$1")" = "cpu,start_ns,end_ns,pid,tid,process,thread,priority,subsystem" ]
}

# Names from the loader hold no comma or quote, so plain splitting is exact.
csv_rows_well_formed() {
    awk -F, 'NR > 1 && (NF != 9 || $2 !~ /^[0-9]+$/ || $3 !~ /^[0-9]+$/ || $3 + 0 < $2 + 0 ||
                        $9 !~ /^(win32|wsl)$/) { print "line " NR ": " $0; bad = 1 }
             END { exit bad }' "$1"
}

# compare_sums KEY_AWK_EXPR METRIC_SCOPE METRIC_NAME CSV JSON: the slices
# summed per key equal the metric, in ns, for every entity of either side
compare_sums() {
    awk -F, "NR > 1 { s[$1] += \$3 - \$2 } END { for (k in s) printf \"%s %.0f\\n\", k, s[k] }" "$4" |
        sort >sums.txt
    metric "$2" "$3" "$5" | awk '{ printf "%s %.0f\n", $1, $2 * 1e9 }' | awk '$2 != 0' | sort >want.txt
    if cmp -s sums.txt want.txt; then return 0; fi
    diff want.txt sums.txt | head -5
    return 1
}

# no_overlap KEY_FIELD CSV: sorted by key then start, each slice starts at
# or after the end of the one before with the same key
no_overlap() {
    tail -n +2 "$2" | awk -F, -v OFS=, -v k="$1" '{ print $k, $2, $3 }' | sort -t, -k1,1 -k2,2n |
        awk -F, '$1 == key && $2 + 0 < end + 0 { print "overlap: " prev " and " $0; bad = 1 }
                 { if ($1 != key || $3 + 0 > end + 0) end = $3; key = $1; prev = $0 }
                 END { exit bad }'
}

# The affinity scenario's masks: pinned#k on CPU 0, pair on CPUs 1-2.
affinity_respected() {
    awk -F, 'NR > 1 && (($6 ~ /^pinned/ && $1 != 0) || ($6 == "pair" && $1 != 1 && $1 != 2)) {
                print "line " NR ": " $0; bad = 1 }
             END { exit bad }' "$1"
}

# ===== ftrace ===============================================================

# Perfetto's tokenizer (systrace_line_tokenizer.cc) as an ERE: what must be
# found in every non-comment line for it to import the line at all.
PERFETTO='-[0-9]+[[:space:]]+[(]?[[:space:]]*([0-9]+|-+)?[)]?[[:space:]]?\[[0-9]+\][[:space:]]*[a-zA-Z0-9.]{0,5}[[:space:]]+[0-9]+\.[0-9]+:[[:space:]]+[^[:space:]]+:'
# The whole line, per event: the prefix, then the fields.
COMM='[A-Za-z0-9_.#/-]{1,15}'
V='[A-Za-z0-9_.#/-]+' # a sanitised name or value in a marker
N='[0-9]+'
PREFIX="^ *(<idle>|$COMM)-$N +\\( *($N|-------)\\) \\[[0-9]{3}\\] (d\\.\\.3\\.|\\.\\.\\.\\.\\.) +$N\\.[0-9]{6}: "
RE_SWITCH="${PREFIX}sched_switch: prev_comm=$COMM prev_pid=$N prev_prio=$N prev_state=(R|R\\+|S|X) ==> next_comm=$COMM next_pid=$N next_prio=$N\$"
RE_WAKING="${PREFIX}sched_waking: comm=$COMM pid=$N prio=$N target_cpu=[0-9]{3}\$"
RE_FORK="${PREFIX}sched_process_fork: comm=$COMM pid=$N child_comm=$COMM child_pid=$N\$"
RE_EXIT="${PREFIX}sched_process_exit: comm=$COMM pid=$N prio=$N\$"
RE_MARK="${PREFIX}tracing_mark_write: (B\\|$N\\|(quantum end|lock $V)|E\\|$N|C\\|$N\\|[^|]+\\|-?$N)\$"
RE_NOTIFY="${PREFIX}tracing_mark_write: B\\|$N\\|notify $V (process (create pid=$N process=$V? is_subsystem=[01] image=$V? command_line=$V? parent=$N creator=$N\\.$N status=0x[0-9A-F]{8}|exit pid=$N process=$V)|thread (create|exit) tid=$N pid=$N)\$"
RE_VETO="${PREFIX}tracing_mark_write: B\\|$N\\|create vetoed spec=$V by=$V\$"

ftrace_lines_match() {
    head -n 1 "$1" | grep -qx '# tracer: nop' || { echo "no '# tracer: nop' header"; return 1; }
    grep -v '^#' "$1" >body.txt
    [ -s body.txt ] || { echo "no events"; return 1; }
    grep -Ev -e "$PERFETTO" body.txt | head -3 | sed 's/^/not importable: /' | grep . && return 1
    for re in "$RE_SWITCH" "$RE_WAKING" "$RE_FORK" "$RE_EXIT" "$RE_MARK" "$RE_NOTIFY" "$RE_VETO"; do
        grep -Ev -e "$re" body.txt >rest.txt
        mv rest.txt body.txt
    done
    [ ! -s body.txt ] || { head -3 body.txt | sed 's/^/no event regex matches: /'; return 1; }
}

# Per CPU: timestamps never decrease, and a switch's prev is the last next.
ftrace_cpus_consistent() {
    grep -v '^#' "$1" | sed 's/^.*) \[\([0-9]*\)\] [^ ]* *\([0-9.]*\): \([a-z_]*\): \(.*\)$/\1 \2 \3 \4/' |
        awk '{ cpu = $1 + 0; ts = $2 + 0
               if (cpu in last && ts < last[cpu]) { print "time goes back on cpu " cpu ": " $0; bad = 1 }
               last[cpu] = ts
               if ($3 == "sched_switch") {
                   prev = $5; sub(/prev_pid=/, "", prev); next_ = $10; sub(/next_pid=/, "", next_)
                   if (prev != (cpu in run ? run[cpu] : 0)) { print "cpu " cpu " switches from " prev ", ran " run[cpu]; bad = 1 }
                   run[cpu] = next_
               } }
             END { exit bad }'
}

# ===== JSON =================================================================

if command -v python3 >/dev/null 2>&1 && python3 -c 'import json' 2>/dev/null; then
    json_how="python3 -m json.tool"
    json_parses() { python3 -m json.tool "$1" >/dev/null; }
else
    json_how="line-shape check: python3 not found"
    json_parses() {
        [ "$(head -n 1 "$1")" = '{"traceEvents":[' ] && [ "$(tail -n 1 "$1")" = '],"displayTimeUnit":"ns"}' ] &&
            sed '1d;$d' "$1" | awk '!/^\{"ph":"[MXiCbe]",.*\},?$/ { print "line " NR + 1 ": " $0; bad = 1 } END { exit bad }'
    }
fi

json_durations_ok() {
    grep -q '"ph":"X"' "$1" && ! grep '"ph":"X"' "$1" | grep -q '"dur":-'
}

# ===== lock holds and notify routines =======================================

# The WSL build storm: an EDR sees every gcc (a WSL process, R7.6) and
# vetoes curl; with the pico provider lock, make and the gcc's hold lxcore.
storm=$srcdir/scenarios/wsl-build-storm.yaml
for fmt in ftrace json; do
    "$PSSIM" run "$storm" --quiet --set machine.costs.syscall.wsl_lock=true --trace "storm.$fmt" >/dev/null 2>err.txt ||
        fail "storm run ($fmt): $(head -n 1 err.txt)"
done
check "storm ftrace: every line matches its event" ftrace_lines_match storm.ftrace
check "storm ftrace: per-CPU order and switches consistent" ftrace_cpus_consistent storm.ftrace
gcc_wsl=$(grep -c 'notify edr process create pid=[0-9]* process=gcc#[0-9]* is_subsystem=1 ' storm.ftrace)
gcc_any=$(grep -c 'notify edr process create pid=[0-9]* process=gcc#' storm.ftrace)
if [ "$gcc_wsl" -ge 100 ] && [ "$gcc_wsl" -eq "$gcc_any" ]; then
    ok "notify markers for the $gcc_wsl gcc creations, all is_subsystem=1"
else
    fail "gcc notify markers: $gcc_wsl with is_subsystem=1 of $gcc_any"
fi
check "5 vetoed curl creations, each seen by the EDR with pid 0" \
    test "$(grep -c 'create vetoed spec=curl by=edr$' storm.ftrace)" -eq 5 -a \
    "$(grep -c 'process create pid=0 process= is_subsystem=1 image=/usr/bin/curl ' storm.ftrace)" -eq 5
opened=$(grep -c 'B|[0-9]*|lock lxcore$' storm.ftrace)
check "lxcore holds traced ($opened)" test "$opened" -gt 0
check "storm json parses ($json_how)" json_parses storm.json
check "storm json: notify instants with the info as args" \
    grep -q '"ph":"i",.*"name":"notify edr","args":{"driver":"edr","kind":"process","op":"create",.*"is_subsystem":true' storm.json
check "storm json: as many hold ends as begins" \
    test "$(grep -c '"ph":"b"' storm.json)" -eq "$(grep -c '"ph":"e"' storm.json)"

# ===== the example scenarios, every format ==================================

for name in demo affinity; do
    scn=$srcdir/scenarios/$name.yaml
    for fmt in csv ftrace json; do
        "$PSSIM" run "$scn" --duration 3s --check-invariants --json --trace "$name.$fmt" >"$name.$fmt.metrics" 2>err.txt
        rc=$?
        if [ $rc -ne 0 ] || [ ! -s "$name.$fmt" ]; then
            fail "$name --trace $name.$fmt: exit $rc"
            sed 's/^/    /' err.txt | head -5
            continue
        fi
        ok "$name --trace $name.$fmt written"
        cmp -s "$name.csv.metrics" "$name.$fmt.metrics" 2>/dev/null ||
            [ "$(sed 's/"wall_seconds":[^,]*,//' "$name.csv.metrics")" = \
              "$(sed 's/"wall_seconds":[^,]*,//' "$name.$fmt.metrics")" ] ||
            fail "$name: the metrics differ with a $fmt trace"
    done
    m=$name.csv.metrics
    check "$name csv: header" csv_header "$name.csv"
    check "$name csv: rows well formed" csv_rows_well_formed "$name.csv"
    check "$name csv: slices per thread sum to cpu_time (ns)" compare_sums '$6 "/" $7' thread cpu_time "$name.csv" "$m"
    check "$name csv: slices per cpu sum to busy_time (ns)" compare_sums '$1' cpu busy_time "$name.csv" "$m"
    check "$name csv: no two slices overlap on one cpu" no_overlap 1 "$name.csv"
    check "$name csv: no thread on two cpus at once" no_overlap 5 "$name.csv"
    check "$name ftrace: every line matches Perfetto's format" ftrace_lines_match "$name.ftrace"
    check "$name ftrace: per cpu, time order and switch chain" ftrace_cpus_consistent "$name.ftrace"
    check "$name json: parses ($json_how)" json_parses "$name.json"
    check "$name json: complete events have dur >= 0" json_durations_ok "$name.json"
done
check "affinity csv: affinity masks respected" affinity_respected affinity.csv

# ===== hostile names ========================================================

# Quotes, commas, backslashes and spaces never reach a trace: the loader
# refuses them in names.
for bad in 'a"b' 'a,b' 'a\\b' 'a b'; do
    printf "name: bad\nprocesses:\n  - name: '%s'\n    threads: [{program: [{run: 1ms}]}]\n" "$bad" >bad.yaml
    "$PSSIM" check bad.yaml >/dev/null 2>&1
    [ $? -eq 2 ] && ok "the loader refuses the name '$bad'" || fail "the loader accepted the name '$bad'"
done
# What it does allow: names of digits and dashes that mimic ftrace's
# "comm-pid" and "[cpu]" fields, dots, names longer than a comm, instances.
cat >hostile.yaml <<'EOF'
name: hostile
duration: 500ms
machine: {cpus: 2}
processes:
  - name: "-1-2"
    subsystem: wsl
    count: 2
    threads:
      - name: "000-8"
        count: 3
        program: [{loop: {count: forever, do: [{run: 1ms}, {sleep: 1ms}]}}]
  - name: ..--__.a-very-long-process-name-0123456789
    threads:
      - name: .-.-.-.-.-.-.-.-.-.-.-.-.-.-.-.-.-.-.-.-
        program: [{loop: {count: forever, do: [{run: 3ms}, {sleep: 500us}]}}]
EOF
for fmt in csv ftrace json; do
    "$PSSIM" run hostile.yaml --json --trace "hostile.$fmt" >hostile.$fmt.metrics 2>err.txt ||
        fail "hostile --trace hostile.$fmt: exit $?"
done
check "hostile csv: rows well formed" csv_rows_well_formed hostile.csv
check "hostile csv: slices per thread sum to cpu_time" compare_sums '$6 "/" $7' thread cpu_time hostile.csv hostile.csv.metrics
check "hostile ftrace: every line matches Perfetto's format" ftrace_lines_match hostile.ftrace
check "hostile ftrace: per cpu, time order and switch chain" ftrace_cpus_consistent hostile.ftrace
check "hostile json: parses ($json_how)" json_parses hostile.json

# ===== failures =============================================================

demo=$srcdir/scenarios/demo.yaml
"$PSSIM" run "$demo" --trace out.txt >/dev/null 2>err.txt
rc=$?
if [ $rc -eq 2 ] && grep -q '\.ftrace, \.csv or \.json' err.txt && [ ! -e out.txt ]; then
    ok "an unknown extension exits 2 and names the accepted ones"
else
    fail "unknown extension: exit $rc, $(head -n 1 err.txt)"
fi

cat >spin.yaml <<'EOF'
name: spin
machine: {cpus: 1}
processes:
  - name: p
    threads:
      - program: [{run: 1ms}, {loop: {count: forever, do: [yield]}}]
EOF
mkdir failed
"$PSSIM" run spin.yaml --quiet --trace failed/t.json >/dev/null 2>&1
rc=$?
if [ $rc -eq 2 ] && [ -z "$(ls -A failed)" ]; then ok "a run that fails leaves no trace, whole or partial"; else
    fail "failed run: exit $rc, left: $(ls -A failed)"
fi

if [ -w /dev/full ]; then
    ln -s /dev/full full.csv
    "$PSSIM" run "$demo" --quiet --trace full.csv >/dev/null 2>err.txt
    rc=$?
    if [ $rc -eq 3 ] && grep -q 'No space left on device' err.txt; then ok "a full disk exits 3 with a message"; else
        fail "full disk: exit $rc, $(head -n 1 err.txt)"
    fi
fi

# ===== Ctrl-C ===============================================================

"$PSSIM" run "$demo" --duration 86000s --quiet --trace int.csv >/dev/null 2>&1 &
pid=$!
# A signal that comes before pssim sets its handler is lost (a background
# job of a script ignores SIGINT), so repeat it until the trace is in place.
tries=0 # generous: a sanitizer build on a loaded machine takes seconds per event slice
while [ ! -e int.csv ] && kill -0 $pid 2>/dev/null && [ $tries -lt 300 ]; do
    sleep 1
    kill -INT $pid 2>/dev/null
    tries=$((tries + 1))
done
wait $pid
rc=$?
if [ $rc -eq 130 ] && csv_header int.csv && csv_rows_well_formed int.csv && [ "$(tail -c 1 int.csv | od -An -c | tr -d ' ')" = '\n' ] &&
    [ "$(ls -A | grep -c partial)" -eq 0 ]; then
    ok "Ctrl-C keeps a whole trace of the time simulated ($(wc -l <int.csv) slices)"
else
    fail "Ctrl-C: exit $rc, trace $(ls -l int.csv* 2>&1 | head -n 1)"
fi

# ===== determinism ==========================================================

for fmt in csv ftrace json; do
    "$PSSIM" run "$demo" --duration 3s --quiet --trace "again.$fmt"
    check "same seed, byte-identical $fmt trace" cmp "demo.$fmt" "again.$fmt"
done

# ===== flat memory ==========================================================

# Peak RSS with a trace to /dev/null (through a link with the extension)
# stays within a few MiB of the run without, for a run 50 times longer.
if [ -x /usr/bin/time ]; then
    ln -s /dev/null null.ftrace
    rss() { /usr/bin/time -f %M -o rss.txt "$PSSIM" run "$demo" --quiet "$@" && tail -n 1 rss.txt; }
    base=$(rss --duration 2000s)
    short=$(rss --duration 40s --trace null.ftrace)
    long=$(rss --duration 2000s --trace null.ftrace)
    echo "# peak RSS KiB: no trace $base, trace of 40 s $short, trace of 2000 s $long"
    if [ -n "$base" ] && [ -n "$long" ] && [ "$long" -le $((base + 4096)) ] && [ "$long" -le $((short + 4096)) ]; then
        ok "memory stays flat with a trace"
    else
        fail "memory with a trace: $long KiB (without: $base, short run: $short)"
    fi
fi

exit $failed
