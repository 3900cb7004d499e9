#!/usr/bin/env bash
# Does a slowloris crowd slow the other clients? wrk against descent-http-bench alone, then beside
# COUNT connections that each send one header byte per second (Benchmarks/http/slowloris.py).
# Alone and beside alternate REPS times (the crowd started afresh for each "beside" and stopped after),
# and the medians are compared, so a load that drifts on a shared machine weighs on both sides alike.
# Usage: Benchmarks/http/slowloris.sh [seconds] [connections] [count] [reps]   (defaults 10, 32, 1000, 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch=${SCRATCH:-.build}   # SwiftPM build folder of the main package
secs=${1:-10}; conns=${2:-32}; count=${3:-1000}; reps=${4:-3}
[ -n "${NO_BUILD:-}" ] || swift build -c release --scratch-path "$scratch" --product descent-http-bench >/dev/null
ulimit -n 8192
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; }
trap cleanup EXIT
"$scratch"/release/descent-http-bench 8095 >/dev/null & pids+=($!)
sleep 1
measure() {
  local out; out=$(wrk -t1 -c"$conns" -d"${secs}s" --latency http://127.0.0.1:8095/healthz)
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(awk '$1=="99%" {print $2}' <<<"$out") $(awk '/Socket errors/ {print}' <<<"$out")"
}
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
alone=(); beside=()
for _ in $(seq "$reps"); do
  alone+=("$(measure)")
  ready=$(mktemp -u)
  python3 Benchmarks/http/slowloris.py 8095 "$count" "$ready" 2>/dev/null &
  crowd=$!; pids+=("$crowd")
  until [ -s "$ready" ]; do sleep 0.2; done
  beside+=("$(measure)")
  kill "$crowd"; wait "$crowd" 2>/dev/null || true
  rm -f "$ready"
  sleep 1  # the server closes the crowd's connections on their end of stream
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
a=$(median "${alone[@]}"); b=$(median "${beside[@]}")
printf 'alone (requests/s p99 per run):                 %s\n' "$(printf '%s; ' "${alone[@]}")"
printf 'beside %s slowloris clients (per run):        %s\n' "$count" "$(printf '%s; ' "${beside[@]}")"
echo "median alone: ${a}"
echo "median beside: ${b}"
awk -v a="${a%% *}" -v b="${b%% *}" 'BEGIN { printf "requests/s beside them: %.1f %% of alone (slowdown %.1f %%)\n", 100 * b / a, 100 - 100 * b / a }'
