#!/usr/bin/env bash
# Does a slowloris crowd slow the other clients? wrk against descent-http-bench alone, then beside
# COUNT connections that each send one header byte per second (Benchmarks/http/slowloris.py).
# Usage: Benchmarks/http/slowloris.sh [seconds] [connections] [count]   (defaults 10, 32, 1000)
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch=${SCRATCH:-.build}   # SwiftPM build folder of the main package
secs=${1:-10}; conns=${2:-32}; count=${3:-1000}
swift build -c release --scratch-path "$scratch" --product descent-http-bench >/dev/null
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
alone=$(measure)
ready=$(mktemp -u)
python3 Benchmarks/http/slowloris.py 8095 "$count" "$ready" 2>/dev/null & pids+=($!)
until [ -s "$ready" ]; do sleep 0.2; done
beside=$(measure)
rm -f "$ready"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "alone:                         ${alone}"
echo "beside ${count} slowloris clients: ${beside}"
awk -v a="${alone%% *}" -v b="${beside%% *}" 'BEGIN { printf "requests/s beside them: %.1f %% of alone\n", 100 * b / a }'
