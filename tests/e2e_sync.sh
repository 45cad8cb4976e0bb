#!/bin/sh
# tests/e2e_sync.sh - the synchronization example scenarios give their documented outcomes (layer: tests).
#
# Each scenario of scenarios/ that declares resources says in its header what
# to look for; this script runs them and checks those claims on the --json
# metrics, so that a change in the models that alters what an example shows
# is noticed.  Each check prints "ok" or "FAIL: why"; the script fails if any
# check failed.
. "$(dirname "$0")/e2e_lib.sh"

# run NAME [ARGS...]: simulate scenarios/NAME.yaml into NAME.json, stderr into NAME.err
run() {
    name=$1
    shift
    "$PSSIM" run "$srcdir/scenarios/$name.yaml" --no-db --json "$@" >"$name.json" 2>"$name.err"
}

# metric FILE SCOPE ENTITY NAME: the value of one metric row of a --json run
metric() {
    tr '{' '\n' <"$1" |
        sed -n "s|^\"scope\":\"$2\",\"entity\":\"$3\",\"name\":\"$4\",\"value\":\([^}]*\)}.*|\1|p"
}

# within DESCRIPTION VALUE LOW HIGH: LOW <= VALUE <= HIGH
within() {
    if [ -n "$2" ] && awk -v v="$2" -v lo="$3" -v hi="$4" 'BEGIN { exit !(v >= lo && v <= hi) }'; then
        ok "$1 ($2)"
    else
        fail "$1: got '$2', expected between $3 and $4"
    fi
}

# --- deadlock: stopped at once, with a report naming both threads ----------
run deadlock
if grep -q '"status":"deadlock"' deadlock.json; then ok "deadlock: status deadlock"; else
    fail "deadlock: status is not deadlock"
fi
within "deadlock: stops at 1 ms" "$(sed -n 's/.*"sim_time_ns":\([0-9]*\).*/\1/p' deadlock.json)" \
    1000000 1000000
if grep -q "app/left" deadlock.err && grep -q "app/right" deadlock.err; then
    ok "deadlock: the report names both threads"
else
    fail "deadlock: report '$(cat deadlock.err)'"
fi

# --- priority inversion (R6.7): high waits until the starvation boost ------
run priority-inversion
within "priority-inversion: high waits about 5 s for the mutex" \
    "$(metric priority-inversion.json thread app/high wait_time_mutex)" 4.69 6
within "priority-inversion: inversion_time about 5 s" \
    "$(metric priority-inversion.json lock lock inversion_time)" 4.69 6

# --- lock convoy: every acquisition contended, one switch each -------------
run lock-convoy
within "lock-convoy: contended close to 1" "$(metric lock-convoy.json lock dblock contended)" 0.95 1
within "lock-convoy: utilization well below 1" "$(metric lock-convoy.json run '' utilization)" 0 0.85
acq=$(metric lock-convoy.json lock dblock acquisitions)
sw=$(metric lock-convoy.json run '' context_switches)
within "lock-convoy: about one context switch per acquisition" \
    "$(awk -v a="${acq:-0}" -v s="${sw:-0}" 'BEGIN { if (a > 0) print s / a }')" 0.8 1.2

# --- producer/consumer: producers held back by slots, not consumers --------
run producer-consumer
within "producer-consumer: slots mostly contended" \
    "$(metric producer-consumer.json lock slots contended)" 0.4 1
within "producer-consumer: items almost never contended" \
    "$(metric producer-consumer.json lock items contended)" 0 0.05
run producer-consumer --set processes.consumer.threads.eater.count=8
within "producer-consumer, 8 consumers: items contended" \
    "$(metric producer-consumer.json lock items contended)" 0.9 1

# --- reader/writer: writer preference bounds the writers' waits ------------
run reader-writer
pref=$(metric reader-writer.json lock cache wait_max)
within "reader-writer: wait_max about a millisecond" "$pref" 0 0.003
run reader-writer --set resources.cache.shared_starve_exclusive=true
starve=$(metric reader-writer.json lock cache wait_max)
within "reader-writer, shared_starve_exclusive: writers wait much longer" \
    "$(awk -v a="${pref:-0}" -v b="${starve:-0}" 'BEGIN { if (a > 0) print b / a }')" 5 1000

exit $failed
