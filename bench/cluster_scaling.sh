#!/usr/bin/env bash
# Scale-out measurement (issue 7): runs `./pixelflow cluster-bench` with 1 and 2 pinned nodes, alternating,
# REPEAT times each (default 3), so that slow drifts of a shared machine hit both node counts alike. Extra
# arguments go to every run (e.g. --seconds 300 --warmup 60 --size 32). One JSON file per run lands in
# bench/results/cluster-scaling-*.json; the summary lines are collected at the end.
#   REPEAT=3 bench/cluster_scaling.sh [cluster-bench options]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repeat="${REPEAT:-3}"
log="bench/results/cluster-scaling-$(date -u +%Y%m%d-%H%M%S).txt"
mkdir -p bench/results
for r in $(seq 1 "$repeat"); do
  for n in 1 2; do
    echo "== run $r of $repeat, $n node(s)" | tee -a "$log"
    ./pixelflow cluster-bench --nodes "$n" "$@" 2>&1 | tee -a "$log"
  done
done
echo "== summaries (also in $log)"
grep '^cluster-bench:' "$log"
