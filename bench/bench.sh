#!/bin/sh
# bench/bench.sh - `make bench`: simulator throughput on the reference scenario.
# Prints events, wall time, events per second, ns per event and peak memory
# for each of 3 runs, then the medians.  Not a test: figures depend on the machine.
set -eu
pssim=$1
scenario=$2
runs=${BENCH_RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "reference: $scenario ($runs runs, one core)"
i=1
while [ "$i" -le "$runs" ]; do
    /usr/bin/time -f '%M' -o "$tmp/mem" "$pssim" run "$scenario" --json --quiet > "$tmp/out.json"
    python3 - "$tmp/out.json" "$tmp/mem" <<'PY' | tee -a "$tmp/rows"
import json, sys
r = json.load(open(sys.argv[1]))
kb = int(open(sys.argv[2]).read().split()[-1])
ev, wall = r["events"], r["wall_seconds"]
print(f"{ev} {wall:.3f} {ev / wall:.0f} {wall * 1e9 / ev:.1f} {kb / 1024:.1f}")
PY
    i=$((i + 1))
done
python3 - "$tmp/rows" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
med = [statistics.median(c) for c in zip(*rows)]
print(f"median: {med[0]:.0f} events in {med[1]:.3f} s wall: "
      f"{med[2] / 1e6:.2f} M events/s, {med[3]:.1f} ns/event, peak RSS {med[4]:.1f} MiB")
PY
