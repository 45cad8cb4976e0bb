#!/bin/sh
# tests/e2e_policies.sh - end-to-end tests of the comparison policies rr, gfp, eevdf (layer: tests).
#
# Runs $PSSIM (set by `make check`) on small scenarios written here and checks
# what each policy promises through the metrics of `--json`: rr's
# `machine.slice`, gfp's strict priorities, eevdf's weighted shares.  Each
# check prints "ok" or "FAIL: why"; the script fails if any check failed.
. "$(dirname "$0")/e2e_lib.sh"

# metric FILE SCOPE ENTITY NAME: the value of one metric row of a --json run
metric() {
    sed 's/},{/}\n{/g' "$1" |
        sed -n "s|.*\"scope\":\"$2\",\"entity\":\"$3\",\"name\":\"$4\",\"value\":\([^}]*\)}.*|\1|p"
}

# within VALUE LOW HIGH: LOW <= VALUE <= HIGH (decimals)
within() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v != "" && v >= lo && v <= hi) }'; }

# Two threads on one processor, for 1 s: heavy (base priority 11) and light (8).
cat >pair.yaml <<'EOF'
name: pair
duration: 1s
machine: {cpus: 1}
processes:
  - name: p
    threads:
      - name: heavy
        priority: 11
        program: [{loop: {count: forever, do: [{run: 1s}]}}]
      - name: light
        priority: 8
        program: [{loop: {count: forever, do: [{run: 1s}]}}]
EOF

# --- every comparison policy is listed ------------------------------------
for p in rr gfp eevdf; do
    if "$PSSIM" run --help | grep -q "^  $p "; then ok "run --help lists $p"; else
        fail "run --help does not list $p"
    fi
done

# --- rr: machine.slice sets the exact slice ---------------------------------
# two threads alternate every slice: 1 s / 10 ms = 100 dispatches, 1 s / 4 ms = 250
"$PSSIM" run pair.yaml --json --set machine.policy=rr --check-invariants >rr10.json
"$PSSIM" run pair.yaml --json --set machine.policy=rr --set machine.slice=4ms \
    --check-invariants >rr4.json
s10=$(metric rr10.json run "" context_switches)
s4=$(metric rr4.json run "" context_switches)
if [ "$s10" = 100 ] && [ "$s4" = 250 ]; then ok "rr: slices of 10 ms and 4 ms"; else
    fail "rr context switches: $s10 with 10 ms, $s4 with 4 ms (expected 100 and 250)"
fi
h=$(metric rr4.json thread p/heavy cpu_time)
if within "$h" 0.5 0.5; then ok "rr ignores priorities"; else fail "rr: heavy got $h s of 1 s"; fi
"$PSSIM" run pair.yaml --set machine.slice=0ms --quiet 2>err.txt
if [ $? -eq 2 ] && grep -q "'slice' must be greater than 0" err.txt; then
    ok "rr: slice 0 refused"
else
    fail "machine.slice=0ms: $(cat err.txt)"
fi

# --- gfp: the higher thread keeps the processor -----------------------------
"$PSSIM" run pair.yaml --json --set machine.policy=gfp --check-invariants >gfp.json
l=$(metric gfp.json thread p/light cpu_time)
if within "$l" 0 0; then ok "gfp: the lower thread never runs"; else fail "gfp: light ran $l s"; fi

# --- eevdf: nice -3 against nice 0 is 1991:1024 ---------------------------
"$PSSIM" run pair.yaml --json --set machine.policy=eevdf --check-invariants >eevdf.json
h=$(metric eevdf.json thread p/heavy cpu_time)
l=$(metric eevdf.json thread p/light cpu_time)
# 1991/3015 = 0.6604 and 1024/3015 = 0.3396, each within one 3 ms slice
if within "$h" 0.6574 0.6634 && within "$l" 0.3366 0.3426; then ok "eevdf weighted shares"; else
    fail "eevdf: heavy $h s, light $l s (expected 0.660 and 0.340)"
fi

exit $failed
