#!/usr/bin/env bash
# Read path of the real service against the bare DescentHTTP server, while workers run experiments.
#
# Starts a release `descent serve` (SQLite in a temp data dir, a free port, 2 workers), submits 50 short
# experiments (they finish), then 4 long MLP runs (2 run, 2 wait queued) so the workers write trajectory
# chunks during the measurement; runs wrk against /healthz, /v1/experiments/{id} and
# /v1/experiments?limit=20 and a 301-row trajectory, and /healthz of the bare `descent-http-bench`; prints one table.
#
# Usage: Benchmarks/service/read-path.sh [seconds] [connections]   (default 5 s, 32 connections)
# Needs: wrk, curl, python3 (apt-get install wrk curl python3). SCRATCH=path uses another SwiftPM build folder;
# NO_BUILD=1 uses the binaries already built there.
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch=${SCRATCH:-.build}
secs=${1:-5}; conns=${2:-32}
if [ -z "${NO_BUILD:-}" ]; then
  swift build -c release --scratch-path "$scratch" --product descent >/dev/null
  swift build -c release --scratch-path "$scratch" --product descent-http-bench >/dev/null
fi
bin="$scratch/release"
data=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT

"$bin/descent" serve --port 0 --data-dir "$data" --workers 2 --log-level warning >"$data/serve.out" 2>"$data/serve.err" & pids+=($!)
for _ in $(seq 100); do grep -q 'listening on' "$data/serve.out" 2>/dev/null && break; sleep 0.1; done
base=$(grep -o 'http://[^ ]*' "$data/serve.out")
[ -n "$base" ] || { echo "descent serve did not start:"; cat "$data/serve.err"; exit 1; }

# descent-http-bench does not flush its banner, so give it a port found free beforehand.
bench_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin/descent-http-bench" "$bench_port" >/dev/null 2>&1 & pids+=($!)
bare="http://127.0.0.1:$bench_port"
for _ in $(seq 100); do curl -sf "$bare/healthz" >/dev/null && break; sleep 0.1; done

submit() { curl -sf -H 'Content-Type: application/json' -d "$1" "$base/v1/experiments"; }
short='{"name":"short","tags":["bench"],"objective":{"type":"rosenbrock"},"optimizer":{"type":"adam","lr":0.01},"steps":200}'
id=""
for _ in $(seq 50); do id=$(submit "$short" | grep -o '"id":"exp_[0-9a-f]*"' | cut -d'"' -f4); done
saddle='{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.1},"start":[0.01,0.02],"steps":300}'
tid=$(submit "$saddle" | grep -o '"id":"exp_[0-9a-f]*"' | cut -d'"' -f4)  # its trajectory has 301 rows
long='{"name":"long","tags":["bench","load"],"seed":1,"objective":{"type":"mlp","hidden":[32,32]},
 "dataset":{"type":"synthetic","generator":"two_moons","samples":2000},"optimizer":{"type":"sgd","lr":0.05},
 "batch_size":64,"steps":10000000,"record_every":1000,"record_params":false}'
for _ in 1 2 3 4; do submit "$long" >/dev/null; done
for _ in $(seq 100); do
  curl -sf "$base/metrics" | grep -q '^descent_running_jobs 2' && break; sleep 0.1
done
curl -sf "$base/v1/experiments/$id" >/dev/null

run() { # name url
  local out rps p50 p99
  out=$(wrk -t1 -c"$conns" -d"${secs}s" --latency "$2")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  printf '| %-34s | %12s | %8s | %8s |\n' "$1" "$rps" "$p50" "$p99"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); running jobs: $(curl -sf "$base/metrics" | awk '/^descent_running_jobs/ {print $2}')"
echo "| route (${conns} connections, ${secs} s)         |   requests/s |      p50 |      p99 |"
echo "|------------------------------------|-------------:|---------:|---------:|"
run "bare descent-http-bench /healthz" "$bare/healthz"
run "descent serve /healthz" "$base/healthz"
run "descent serve /v1/experiments/{id}" "$base/v1/experiments/$id"
run "descent serve /v1/experiments?limit=20" "$base/v1/experiments?limit=20"
run "descent serve 301-row trajectory" "$base/v1/experiments/$tid/trajectory"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); running jobs: $(curl -sf "$base/metrics" | awk '/^descent_running_jobs/ {print $2}')"
