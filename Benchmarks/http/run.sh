#!/usr/bin/env bash
# Side-by-side wrk run: DescentHTTP vs Hummingbird 2 vs nginx on loopback, keep-alive.
# Usage: Benchmarks/http/run.sh [seconds] [connections]   (needs wrk and nginx: apt-get install wrk nginx-light)
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch=${SCRATCH:-.build}   # SwiftPM build folder of the main package
secs=${1:-10}; conns=${2:-64}
swift build -c release --scratch-path "$scratch" --product descent-http-bench >/dev/null
(cd Benchmarks/peers/hummingbird/PeerServer && swift build -c release >/dev/null)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; }
trap cleanup EXIT
"$scratch"/release/descent-http-bench 8091 >/dev/null & pids+=($!)
Benchmarks/peers/hummingbird/PeerServer/.build/release/PeerServer 8092 >/dev/null 2>&1 & pids+=($!)
nginx -c "$PWD/Benchmarks/http/nginx.conf" & pids+=($!)
sleep 2
run() { # name url [script]
  local extra=(); [ -n "${3:-}" ] && extra=(-s "$3")
  local out; out=$(wrk -t1 -c"$conns" -d"${secs}s" --latency "${extra[@]}" "$2")
  local rps p99; rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  printf '| %-22s | %-14s | %12s | %8s |\n' "$1" "${2##*/}" "$rps" "$p99"
}
echo "| server                 | route          |   requests/s |      p99 |"
echo "|------------------------|----------------|-------------:|---------:|"
run "DescentHTTP" http://127.0.0.1:8091/healthz
run "Hummingbird 2.28.1" http://127.0.0.1:8092/healthz
run "nginx (static)" http://127.0.0.1:8093/healthz
run "DescentHTTP" http://127.0.0.1:8091/echo Benchmarks/http/post.lua
run "Hummingbird 2.28.1" http://127.0.0.1:8092/echo Benchmarks/http/post.lua
