#!/bin/sh
# bench/bench.sh - `make bench`: simulator throughput on the reference scenario.
# Prints events, wall time, events per second, ns per event and peak memory
# for each run (BENCH_RUNS, default 3), then the medians.  It measures the
# simulation with its metrics (--no-db: storing results and collecting the
# plots' time series come on top).  Not a test: the figures depend on the
# machine and its load.
set -eu
pssim=$1
scenario=$2
runs=${BENCH_RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "reference: $scenario ($runs runs, one core)"
echo "events wall_s events_per_s ns_per_event peak_rss_mib"
i=1
while [ "$i" -le "$runs" ]; do
    (cd "$tmp" && /usr/bin/time -f '%M' -o mem "$pssim" run "$scenario" --json --quiet --no-db > out.json)
    ev=$(sed 's/.*"events":\([0-9]*\),.*/\1/' "$tmp/out.json")
    wall=$(sed 's/.*"wall_seconds":\([^,]*\),.*/\1/' "$tmp/out.json")
    kb=$(tail -n 1 "$tmp/mem")
    echo "$ev $wall $kb" | awk '{ printf "%d %.3f %.0f %.1f %.1f\n", $1, $2, $1 / $2, $2 * 1e9 / $1, $3 / 1024 }' |
        tee -a "$tmp/rows"
    i=$((i + 1))
done
# the median of each column
for col in 1 2 3 4 5; do
    sort -g -k "$col,$col" "$tmp/rows" | awk -v c="$col" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'
done | paste -s -d ' ' | awk '{ printf "median: %d events in %.3f s wall: %.2f M events/s, %.1f ns/event, peak RSS %.1f MiB\n", $1, $2, $3 / 1e6, $4, $5 }'
