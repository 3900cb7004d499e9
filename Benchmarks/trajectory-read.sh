#!/usr/bin/env bash
# Trajectory storage and read views on a 1,000,000-step Rosenbrock + Adam run recording every step.
# Starts a release `descent serve` (SQLite, temp folder, free port), runs the experiment, then prints:
#   bytes per recorded value (chunks + summaries, from the database), the time of each view (median of
#   N requests with curl), the full JSON and CSV exports' size, time and rate (median of 3), and the
#   server's RSS before and after the exports.
# Usage: Benchmarks/trajectory-read.sh [BINARY] [REPEATS]
set -euo pipefail
BIN=${1:-.build/release/descent}
N=${2:-21}
DIR=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" serve --port "$PORT" --data-dir "$DIR" --log-level warning >"$DIR/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; rm -rf "$DIR"' EXIT
URL=http://127.0.0.1:$PORT
for _ in $(seq 100); do curl -fs "$URL/healthz" >/dev/null && break; sleep 0.1; done

submit() {
  curl -fs -X POST "$URL/v1/experiments" -H 'Content-Type: application/json' -d "$1" |
    python3 -c 'import sys, json; print(json.load(sys.stdin)["id"])'
}
wait_done() {
  while [ "$(curl -fs "$URL/v1/experiments/$1" | python3 -c 'import sys, json; print(json.load(sys.stdin)["status"])')" != succeeded ]; do sleep 0.2; done
}
LONG=$(submit '{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adam","lr":0.001},"start":[-1.2,1],"steps":1000000}')
SHORT=$(submit '{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adam","lr":0.001},"start":[-1.2,1],"steps":1499}')
wait_done "$LONG"; wait_done "$SHORT"

python3 - "$DIR/descent.sqlite" "$LONG" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows, = db.execute("SELECT sum(rows) FROM trajectory_chunk WHERE experiment_id = ?", (sys.argv[2],)).fetchone()
data, = db.execute("SELECT sum(length(data)) FROM trajectory_chunk_data WHERE experiment_id = ?", (sys.argv[2],)).fetchone()
summ, = db.execute("SELECT sum(length(data)) FROM trajectory_summary WHERE experiment_id = ?", (sys.argv[2],)).fetchone()
values = rows * 7
print(f"storage: rows={rows} values={values} column_bytes={data} summary_bytes={summ} "
      f"bytes_per_value={(data + summ) / values:.3f} (columns alone {data / values:.3f})")
PY

median_ms() {  # URL [curl args…]
  local url=$1; shift
  for _ in $(seq "$N"); do curl -s -o /dev/null -w '%{time_total}\n' "$@" "$url"; done | sort -n |
    awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)] * 1000}'
}
echo "view                                         median ms (of $N)"
printf '%-44s %s\n' "whole 1,500-row trajectory" "$(median_ms "$URL/v1/experiments/$SHORT/trajectory")"
printf '%-44s %s\n' "1M-row run, max_points=1500" "$(median_ms "$URL/v1/experiments/$LONG/trajectory?max_points=1500")"
printf '%-44s %s\n' "1M-row run, 1,000-row slice (from/to)" "$(median_ms "$URL/v1/experiments/$LONG/trajectory?from=500000&to=500999")"
printf '%-44s %s\n' "1M-row run, plot.svg (loss)" "$(median_ms "$URL/v1/experiments/$LONG/plot.svg")"
printf '%-44s %s\n' "1M-row run, plot.svg?kind=path" "$(median_ms "$URL/v1/experiments/$LONG/plot.svg?kind=path")"

rss() { awk '/^VmRSS/ {print $2}' /proc/$PID/status; }
hwm() { awk '/^VmHWM/ {print $2}' /proc/$PID/status; }
echo "server RSS before exports: $(rss) kB (peak so far $(hwm) kB)"
for kind in json csv json-gzip; do
  case $kind in
    json) args=() ;;
    csv) args=(-H 'Accept: text/csv') ;;
    json-gzip) args=(-H 'Accept-Encoding: gzip') ;;
  esac
  # Median of 3 (the first touches cold pages).
  for _ in 1 2 3; do
    curl -s -o /dev/null -w "%{size_download} %{time_total}\n" "${args[@]}" "$URL/v1/experiments/$LONG/trajectory"
  done | sort -k2 -n | sed -n 2p | awk -v k="$kind" '{printf "full export %s: %d bytes in %.3f s (median of 3): %.0f MB/s\n", k, $1, $2, $1 / $2 / 1e6}'
done
echo "server RSS after exports: $(rss) kB (peak $(hwm) kB)"
