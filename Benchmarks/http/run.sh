#!/usr/bin/env bash
# Side-by-side wrk run: DescentHTTP vs Hummingbird 2 vs nginx on loopback, keep-alive, all three up at
# once and measured one after another, each cell the median of REPS runs (by requests/s).
# Usage: Benchmarks/http/run.sh [seconds] [reps] [connections...]   (defaults: 8 3 32 256)
# Needs wrk and nginx (apt-get install wrk nginx-light); SCRATCH names the SwiftPM build folder.
# The servers listen on free ports picked at start. HUMMINGBIRD=<binary> uses a peer built elsewhere (no
# build); LOOPS=<n> sets DescentHTTP's event loops (default 0: one per two cores); NO_BUILD=1 uses the
# descent-http-bench binary in SCRATCH as is.
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch=${SCRATCH:-.build}
secs=${1:-8}; reps=${2:-3}; conns=("${@:3}")
[ ${#conns[@]} -eq 0 ] && conns=(32 256)
[ -n "${NO_BUILD:-}" ] || swift build -c release --scratch-path "$scratch" --product descent-http-bench >/dev/null
hummingbird=${HUMMINGBIRD:-}
if [ -z "$hummingbird" ]; then
  (cd Benchmarks/peers/hummingbird/PeerServer && swift build -c release >/dev/null)
  hummingbird=Benchmarks/peers/hummingbird/PeerServer/.build/release/PeerServer
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
p1=$(free_port); p2=$(free_port); p3=$(free_port)
ulimit -n 8192
pids=()
tmp=$(mktemp -d)
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
DESCENT_EVENT_LOOPS=${LOOPS:-0} "$scratch"/release/descent-http-bench "$p1" >/dev/null & pids+=($!)
"$hummingbird" "$p2" >/dev/null 2>&1 & pids+=($!)
sed -e "s/127.0.0.1:8093/127.0.0.1:$p3/" -e "s|/tmp/descent-bench-nginx|$tmp/nginx|" Benchmarks/http/nginx.conf >"$tmp/nginx.conf"
nginx -c "$tmp/nginx.conf" & pids+=($!)
sleep 2
once() { # conns url [script] -> "rps p99"
  local extra=(); [ -n "${3:-}" ] && extra=(-s "$3")
  local out; out=$(wrk -t1 -c"$1" -d"${secs}s" --latency "${extra[@]}" "$2")
  local errors; errors=$(awk '/Socket errors/ {print "(" $0 ")"}' <<<"$out")
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(awk '$1=="99%" {print $2}' <<<"$out") $errors"
}
run() { # name route conns url [script]
  local results=() r
  for _ in $(seq "$reps"); do results+=("$(once "$3" "$4" "${5:-}")"); done
  r=$(printf '%s\n' "${results[@]}" | sort -n | sed -n "$(( (reps + 1) / 2 ))p")
  printf '| %-20s | %-13s | %5s | %10s | %9s | %s\n' "$1" "$2" "$3" "$(cut -d' ' -f1 <<<"$r")" "$(cut -d' ' -f2 <<<"$r")" "$(cut -d' ' -f3- <<<"$r")"
}
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| server               | route         | conns | requests/s |       p99 |"
echo "|----------------------|---------------|------:|-----------:|----------:|"
for c in "${conns[@]}"; do
  run "DescentHTTP" "GET /healthz" "$c" "http://127.0.0.1:$p1/healthz"
  run "Hummingbird 2.28.1" "GET /healthz" "$c" "http://127.0.0.1:$p2/healthz"
  run "nginx (1 worker)" "GET /healthz" "$c" "http://127.0.0.1:$p3/healthz"
  run "DescentHTTP" "POST /echo" "$c" "http://127.0.0.1:$p1/echo" Benchmarks/http/post.lua
  run "Hummingbird 2.28.1" "POST /echo" "$c" "http://127.0.0.1:$p2/echo" Benchmarks/http/post.lua
  run "nginx (static)" "POST /echo" "$c" "http://127.0.0.1:$p3/echo" Benchmarks/http/post.lua
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
rss() { awk '/VmRSS/ {printf "%.1f MB", $2 / 1024}' "/proc/$1/status"; }
echo "RSS after the runs: DescentHTTP $(rss "${pids[0]}"), Hummingbird $(rss "${pids[1]}"), nginx master $(rss "${pids[2]}") (+ its worker)"
