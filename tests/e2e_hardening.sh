#!/bin/sh
# tests/e2e_hardening.sh - hostile input to the pssim command (layer: tests).
#
# What a scenario cannot do to pssim (README "Hardening"): exhaust memory
# through counts, arrivals, endless spawns or long runs (machine.limits
# stop the run with a message and exit 2), make the loader read without end (/dev/zero, a
# device as an empirical file), or hang in a deadlock of its own making.
# Each check prints "ok" or "FAIL: why"; the script fails if any failed.
# Under `make check-sanitizers` the same runs are checked for memory errors.
. "$(dirname "$0")/e2e_lib.sh"

# expect CODE SECONDS PATTERN DESCRIPTION COMMAND...: the command exits CODE
# within SECONDS and its stderr matches the grep pattern PATTERN.
expect() {
    want=$1 secs=$2 pattern=$3 desc=$4
    shift 4
    t0=$(date +%s%N)
    timeout 60 "$@" >out.txt 2>err.txt
    got=$?
    ms=$((($(date +%s%N) - t0) / 1000000))
    if [ "$got" -ne "$want" ]; then
        fail "$desc: exit $got, expected $want"
        sed 's/^/    /' err.txt | head -5
    elif [ -n "$pattern" ] && ! grep -q -e "$pattern" err.txt; then
        fail "$desc: stderr lacks '$pattern'"
        sed 's/^/    /' err.txt | head -5
    elif [ "$ms" -gt $((secs * 1000)) ]; then
        fail "$desc: took $ms ms, more than $secs s"
    else
        ok "$desc ($ms ms)"
    fi
}

cat >bomb.yaml <<'EOF'
processes:
  - name: bomb
    arrivals: {count: forever, every: 1ns}
    threads:
      - program: [{run: 1ms}, exit]
EOF
cat >sleepers.yaml <<'EOF'
processes:
  - name: nap
    arrivals: {count: forever, every: 1us}
    threads:
      - name: sleeper
        program: [{sleep: 1s}]
EOF
cat >threads.yaml <<'EOF'
processes:
  - name: p
    count: 10
    threads:
      - name: worker
        count: 10
        program: [{run: 1ms}]
EOF
cat >arrivals.yaml <<'EOF'
processes:
  - name: p
    arrivals: {every: 1ms, count: 10}
    threads:
      - name: worker
        count: 10
        program: [{run: 1ms}]
EOF

# --- machine.limits stop a run before it exhausts memory ------------------
limit_msg="would exceed machine.limits"
expect 2 30 "^bomb.yaml:2:5: error: 'bomb' $limit_msg.processes (100000)" \
    "arrivals forever every 1ns stop at the default process cap" \
    "$PSSIM" run bomb.yaml --no-db --quiet
expect 2 10 "^bomb.yaml:2:5: error: 'bomb' $limit_msg.processes (500)" \
    "--set machine.limits.processes" \
    "$PSSIM" run bomb.yaml --no-db --quiet --set machine.limits.processes=500
expect 2 10 "^arrivals.yaml:5:9: error: 'worker' $limit_msg.threads (50)" \
    "a thread cap reached by arrivals names the thread spec" \
    "$PSSIM" run arrivals.yaml --no-db --quiet --set machine.limits.threads=50
expect 2 10 "error: 'sleeper' $limit_msg.pending_events (1000)" \
    "sleeping arrivals stop at the pending-event cap" \
    "$PSSIM" run sleepers.yaml --no-db --quiet --set machine.limits.pending_events=1000
expect 2 10 "error: a run of 100000 s $limit_msg.sim_time (86400 s)" \
    "--duration beyond the default sim_time cap" \
    "$PSSIM" run threads.yaml --no-db --quiet --duration 100000s
expect 2 10 "error: a run of 10 s $limit_msg.sim_time (1 s)" \
    "machine.limits.sim_time below the scenario's duration" \
    "$PSSIM" run threads.yaml --no-db --quiet --set machine.limits.sim_time=1s
expect 2 5 "^threads.yaml:2:5: error: process 'p' starts 100 threads at once" \
    "counts beyond the caps are refused when loading" \
    "$PSSIM" run threads.yaml --no-db --set machine.limits.threads=99
expect 0 10 "" "a run within its caps" \
    "$PSSIM" run threads.yaml --no-db --quiet --set machine.limits.threads=100 --duration 1s

cat >spawn-bomb.yaml <<'EOF'
processes:
  - name: start
    threads: [{program: [{loop: {count: forever, do: [{spawn: {process: bomb}}]}}]}]
  - name: bomb
    template: true
    threads:
      - program:
          - run: 1us
EOF
expect 2 30 "^spawn-bomb.yaml:4:5: error: 'bomb' $limit_msg.processes (100000)" \
    "endless spawns stop at the default process cap" \
    "$PSSIM" run spawn-bomb.yaml --no-db --quiet --duration 1000s
# (recursive spawns, a spawn cycle, are refused when loading: tests/data/bad/spawn_*)

# --- input that would be read without end ---------------------------------
expect 2 5 "^/dev/zero: error: larger than 16 MiB: not a scenario file" \
    "an endless scenario file" "$PSSIM" check /dev/zero
expect 2 5 "^/dev/null:1:1: error: empty scenario" "an empty device" "$PSSIM" check /dev/null
head -c 17000000 /dev/zero | tr '\0' '#' >big.yaml
expect 2 5 "^big.yaml: error: larger than 16 MiB" "a 17 MB scenario file" "$PSSIM" check big.yaml
cat >urandom.yaml <<'EOF'
processes:
  - name: p
    threads: [{program: [{run: empirical(/dev/urandom)}]}]
EOF
expect 2 5 "^urandom.yaml:3:42: error: empirical file '/dev/urandom' is not a regular file" \
    "a device as an empirical file" "$PSSIM" check urandom.yaml

# --- durations at the edge of the clock: no overflow, the run ends --------
# (the longest duration is 2^60 ns, about 36 years: see SIM_DURATION_MAX)
cat >edge.yaml <<'EOF'
processes:
  - name: p
    threads:
      - name: long-sleep
        program: [{run: 1ms}, {sleep: 1152921504s}]
      - name: long-period
        program: [{run: 1ms}, {periodic: {period: 1152921504s, do: [{run: 1ms}]}}]
      - name: heavy-tail
        program:
          - loop:
              count: forever
              do:
                - run: 1us
                - sleep: pareto(1ns,0.01)
  - name: late
    start: 9s
    arrivals: {every: 1152921504s, count: 2}
    threads: [{program: [{run: 1ms}]}]
EOF
expect 0 10 "" "sleeps and arrivals near the end of time" \
    "$PSSIM" run edge.yaml --no-db --quiet --check-invariants

# --- a thread that deadlocks itself is reported, not waited for -----------
# (straight-line ones are refused when loading, tests/data/bad/self_deadlock_*:
# the second acquire here is in a block of its own, which the loader leaves alone)
for lock in fast_mutex spinlock; do
    cat >self-$lock.yaml <<EOF
resources:
  - {name: l, type: $lock}
processes:
  - name: p
    threads:
      - name: t
        program: [{acquire: l}, {loop: {count: 1, do: [{acquire: l}]}}, {run: 1ms}]
EOF
    expect 0 5 "deadlock at 0.000000000 s: p/t acquires" "self-deadlock on a $lock" \
        "$PSSIM" run self-$lock.yaml --no-db --json
    grep -q '"status":"deadlock"' out.txt || fail "self-deadlock on a $lock: status not deadlock"
done

exit $failed
