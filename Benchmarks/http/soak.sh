#!/usr/bin/env bash
# Soak: the bare server (release descent-http-bench) under `wrk -t1 -cCONNS -dSECONDS` on GET /healthz,
# with its RSS sampled every 10 s. Passes (exit 0) when wrk reports no socket errors and no non-2xx
# answers, and every RSS sample after the warm-up is within 5 % of the first.
# Usage: Benchmarks/http/soak.sh [seconds] [connections]   (defaults: 300 256, the issue's 5-minute soak)
# Needs wrk. SCRATCH names the SwiftPM build folder; NO_BUILD=1 uses the binary there as is.
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch=${SCRATCH:-.build}
secs=${1:-300}; conns=${2:-256}
[ -n "${NO_BUILD:-}" ] || swift build -c release --scratch-path "$scratch" --product descent-http-bench >/dev/null
ulimit -n 8192
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$scratch"/release/descent-http-bench "$port" >/dev/null &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
url="http://127.0.0.1:$port/healthz"
wrk -t1 -c"$conns" -d5s "$url" >/dev/null  # warm-up: the connections' buffers and the loops reach their size
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
samples=("$(rss)")
wrk -t1 -c"$conns" -d"${secs}s" --latency "$url" >"${TMPDIR:-/tmp}/soak-wrk.$$" &
wrk_pid=$!
while kill -0 "$wrk_pid" 2>/dev/null; do
  sleep 10
  kill -0 "$wrk_pid" 2>/dev/null && samples+=("$(rss)")
done
wait "$wrk_pid"
samples+=("$(rss)")
out=$(cat "${TMPDIR:-/tmp}/soak-wrk.$$"); rm -f "${TMPDIR:-/tmp}/soak-wrk.$$"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$out" | grep -E 'requests in|Requests/sec|Socket errors|Non-2xx| 99%' || true
first=${samples[0]}
printf 'VmRSS kB after the warm-up, then every 10 s: %s\n' "${samples[*]}"
drift=$(printf '%s\n' "${samples[@]}" | awk -v f="$first" '{d = ($1 - f) / f * 100; if (d < 0) d = -d; if (d > m) m = d} END {printf "%.2f", m}')
echo "largest RSS change from the first sample: ${drift} %"
fail=0
if grep -q 'Socket errors' <<<"$out"; then echo "FAIL: socket errors"; fail=1; fi
if grep -q 'Non-2xx' <<<"$out"; then echo "FAIL: answers other than 2xx"; fail=1; fi
if awk -v d="$drift" 'BEGIN {exit !(d > 5)}'; then echo "FAIL: RSS moved more than 5 %"; fail=1; fi
[ "$fail" = 0 ] && echo "PASS: no socket errors, RSS flat within 5 %"
exit "$fail"
