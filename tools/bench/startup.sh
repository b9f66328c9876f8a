#!/usr/bin/env bash
# Whole-process start-up of a smog command: runs it N times (after one untimed warm-up run
# for the file cache) and prints every wall time, the median wall time and the median CPU
# time (user+sys, less sensitive to other load on the machine), in seconds.
#   tools/bench/startup.sh [-n N] -- COMMAND [ARGS...]
#   tools/bench/startup.sh -n 21 -- smog plan --case tests/fixtures/verify/b5-flavor.json
set -euo pipefail
runs=15
if [[ ${1:-} == -n ]]; then runs=$2; shift 2; fi
[[ ${1:-} == -- ]] && shift
(( $# > 0 )) || { echo "usage: $0 [-n N] -- COMMAND [ARGS...]" >&2; exit 2; }

"$@" >/dev/null 2>&1 || true
times=()
cpu=()
TIMEFORMAT='%U %S'
for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    used=$( { time "$@" >/dev/null 2>&1 || true; } 2>&1 )
    end=$(date +%s%N)
    times+=("$(( (end - start) / 1000 ))")
    cpu+=("$(awk '{ printf "%d", ($1 + $2) * 1e6 }' <<<"$used")")
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
median=${sorted[$(( runs / 2 ))]}
printf 'runs: %s\n' "$(printf '%s ' "${sorted[@]}" | awk '{for (i = 1; i <= NF; i++) printf "%.3f ", $i / 1e6}')"
cpu_median=$(printf '%s\n' "${cpu[@]}" | sort -n | sed -n "$(( runs / 2 + 1 ))p")
awk -v m="$median" -v c="$cpu_median" -v n="$runs" 'BEGIN { printf "median of %d: %.3f s wall, %.3f s CPU (user+sys)\n", n, m / 1e6, c / 1e6 }'
