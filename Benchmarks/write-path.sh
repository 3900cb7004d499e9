#!/usr/bin/env bash
# The write path, end to end, on a release build: a fresh SQLite store in a temp folder, a free port.
#
#   1. small:  N small saddle experiments (1,000 steps) POSTed one by one with wrk (16 connections, Lua
#              script) while W workers run; experiments finished per second = N / (first POST → all final).
#   2. batch:  B batches of 1,000 specs POSTed with curl to /v1/experiments/batch while W workers run;
#              experiments accepted per second = B·1,000 / time of the B requests.
#   3. long:   R saddle runs of 1,000,000 steps (record_every 1, then 100) submitted in one batch; time
#              until all are final, against 2 × `descent run` of the same spec in parallel and against
#              descent-memory-bench (the same R runs through the core, no store, W threads).
#
# Usage: Benchmarks/write-path.sh [small|batch|long|all]   (env: N=2000 B=20 R=20 W=2 LONG_STEPS=1000000)
# Needs wrk (apt-get install -y wrk), curl and python3. Prints the load average before and after: the
# figures mean little on a machine that is busy with other work.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
N=${N:-2000}; B=${B:-20}; R=${R:-20}; W=${W:-2}; LONG_STEPS=${LONG_STEPS:-1000000}
scratch=${SCRATCH:-.build}
swift build -c release --scratch-path "$scratch" --product descent >/dev/null
swift build -c release --scratch-path "$scratch" --product descent-memory-bench >/dev/null
bin="$scratch/release"
tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

now() { python3 -c 'import time; print(f"{time.monotonic():.4f}")'; }
elapsed() { python3 -c "print(f'{$2 - $1:.3f}')"; }
rate() { python3 -c "print(f'{$1 / $2:.1f}')"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# start_server NAME: a fresh store and a free port; sets $url and $pid.
start_server() {
  local dir="$tmp/$1"; mkdir -p "$dir"
  local port; port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$bin/descent" serve --host 127.0.0.1 --port "$port" --data-dir "$dir" --workers "$W" --queue-capacity 1000000 \
    --log-level error >"$dir/out.log" 2>&1 &
  pid=$!
  url="http://127.0.0.1:$port"
  for _ in $(seq 1 200); do curl -sf "$url/readyz" >/dev/null && return; sleep 0.05; done
  echo "server did not start: $(cat "$dir/out.log")" >&2; exit 1
}
# cpu_seconds: user + system CPU time the server used so far (load-independent, unlike wall time).
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$pid/stat"; }
stop_server() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

# wait_all_final: polls until no experiment is queued or running.
wait_all_final() {
  while true; do
    local q r
    q=$(curl -sf "$url/v1/experiments?status=queued&limit=1"); r=$(curl -sf "$url/v1/experiments?status=running&limit=1")
    [[ "$q" == *'"items":[]'* && "$r" == *'"items":[]'* ]] && return
    sleep 0.02
  done
}

count() { # STATUS → number of experiments with it (pages of 500)
  python3 - "$url" "$1" <<'PY'
import json, sys, urllib.request
url, status, n, cursor = sys.argv[1], sys.argv[2], 0, None
while True:
    page = json.load(urllib.request.urlopen(f"{url}/v1/experiments?status={status}&limit=500" + (f"&cursor={cursor}" if cursor else "")))
    n += len(page["items"]); cursor = page["next_cursor"]
    if not cursor: break
print(n)
PY
}

span() { # → "succeeded seconds(first created → last created) seconds(first created → last finished)", from the server's timestamps
  python3 - "$url" <<'PY'
import json, sys, urllib.request
from datetime import datetime
url, cursor, created, finished, ok = sys.argv[1], None, [], [], 0
while True:
    page = json.load(urllib.request.urlopen(f"{url}/v1/experiments?limit=500" + (f"&cursor={cursor}" if cursor else "")))
    for e in page["items"]:
        created.append(datetime.fromisoformat(e["created_at"].replace("Z", "+00:00")).timestamp())
        if e["finished_at"]: finished.append(datetime.fromisoformat(e["finished_at"].replace("Z", "+00:00")).timestamp())
        ok += e["status"] == "succeeded"
    cursor = page["next_cursor"]
    if not cursor: break
print(ok, f"{max(created) - min(created):.3f}", f"{max(finished) - min(created):.3f}")
PY
}

saddle() { # STEPS RECORD_EVERY
  printf '{"name":"bench","objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.01},"start":[0.01,0.02],"steps":%d,"record_every":%d}' "$1" "$2"
}

echo "load average before: $(loadavg)   (nproc $(nproc), workers $W)"

if [[ $what == small || $what == all ]]; then
  start_server small
  cat >"$tmp/post.lua" <<LUA
-- POST /v1/experiments with a small saddle spec; wrk exits once $N answers came back (one thread).
wrk.method = "POST"
wrk.body = '$(saddle 1000 1)'
wrk.headers["Content-Type"] = "application/json"
local done, refused = 0, 0
function response(status)
  done = done + 1
  if status ~= 202 then refused = refused + 1 end
  if done >= $N then io.write(string.format("wrk: %d answers, %d not 202\\n", done, refused)); os.exit(0) end
end
LUA
  wrk -t1 -c16 -d300s -s "$tmp/post.lua" "$url/v1/experiments" >"$tmp/wrk.txt" || true
  wait_all_final
  span >"$tmp/span.txt"
  read -r ok created finished <"$tmp/span.txt"
  echo "small: $(head -1 "$tmp/wrk.txt"); $ok succeeded"
  echo "small: accepted in $created s: $(rate "$ok" "$created") submissions/s; first submission to last finished $finished s: $(rate "$ok" "$finished") experiments finished/s"
  cpu=$(cpu_seconds)
  echo "small: server CPU $cpu s = $(python3 -c "print(f'{$cpu / $ok * 1000:.3f}')") ms per experiment (submission + run + store)"
  stop_server
fi

if [[ $what == batch || $what == all ]]; then
  start_server batch
  python3 - "$tmp/batch.json" "$(saddle 1000 1)" <<'PY'
import sys
open(sys.argv[1], "w").write('{"items":[' + ",".join([sys.argv[2]] * 1000) + "]}")
PY
  t0=$(now)
  for _ in $(seq 1 "$B"); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$tmp/batch.json" "$url/v1/experiments/batch")
    [ "$code" = 202 ] || { echo "batch: HTTP $code" >&2; exit 1; }
  done
  t1=$(now)
  echo "batch: $((B * 1000)) accepted in $(elapsed "$t0" "$t1") s: $(rate $((B * 1000)) "$(elapsed "$t0" "$t1")") experiments accepted/s"
  wait_all_final
  t2=$(now)
  echo "batch: all $((B * 1000)) final after $(elapsed "$t0" "$t2") s: $(rate $((B * 1000)) "$(elapsed "$t0" "$t2")") finished/s"
  cpu=$(cpu_seconds)
  echo "batch: server CPU $cpu s = $(python3 -c "print(f'{$cpu / ($B * 1000) * 1000:.3f}')") ms per experiment (submission + run + store)"
  stop_server
fi

if [[ $what == long || $what == all ]]; then
  for every in 1 100; do
    saddle "$LONG_STEPS" "$every" >"$tmp/long.json"
    start_server "long$every"
    python3 - "$tmp/longbatch.json" "$(cat "$tmp/long.json")" "$R" <<'PY'
import sys
open(sys.argv[1], "w").write('{"items":[' + ",".join([sys.argv[2]] * int(sys.argv[3])) + "]}")
PY
    t0=$(now)
    curl -sf -o /dev/null -H 'Content-Type: application/json' --data-binary @"$tmp/longbatch.json" "$url/v1/experiments/batch"
    wait_all_final
    t1=$(now)
    service=$(elapsed "$t0" "$t1")
    cpu=$(cpu_seconds)
    stored=$(du -sm "$tmp/long$every" | cut -f1)
    stop_server
    t0=$(now)
    "$bin/descent" run "$tmp/long.json" --format csv --output "$tmp/run1.csv" &
    a=$!
    "$bin/descent" run "$tmp/long.json" --format csv --output "$tmp/run2.csv" &
    b=$!
    wait "$a" "$b"
    t1=$(now)
    cli=$(elapsed "$t0" "$t1")
    echo "long (record_every $every): service $R runs in $service s = $(rate "$R" "$service") runs/s (server CPU $cpu s, store folder $stored MiB)"
    echo "long (record_every $every): 2 x descent run in $cli s = $(rate 2 "$cli") runs/s; service/cli = $(python3 -c "print(f'{($R / $service) / (2 / $cli) * 100:.1f} %')")"
    for encode in "" --encode; do
      memory=$("$bin/descent-memory-bench" "$tmp/long.json" --runs "$R" --threads "$W" $encode)
      mem_s=$(sed -E 's/.*seconds=([0-9.]+).*/\1/' <<<"$memory")
      echo "long (record_every $every): in-memory $memory; service/in-memory = $(python3 -c "print(f'{$mem_s / $service * 100:.1f} %')")"
    done
  done
fi

echo "load average after: $(loadavg)"
