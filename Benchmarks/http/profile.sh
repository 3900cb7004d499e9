#!/usr/bin/env bash
# Per-request costs of the bare server (release descent-http-bench) over a fixed number of keep-alive
# requests (Benchmarks/http/requests.py: N requests over C connections, one in flight on each), counted by
# `perf stat` on the server process only:
#   - malloc calls (a uprobe on glibc's malloc) and system calls: exact counts, whatever the load;
#   - context switches and CPU time (task-clock): these move with the machine's load.
# Instruction counts, the load-independent CPU figure, come from Benchmarks/http/callgrind.sh (this
# machine's perf has no hardware counters: a VM).
# Usage: Benchmarks/http/profile.sh [requests] [connections] [healthz|echo] [reps]   (defaults: 20000 8 healthz 3)
# Prints one line per rep. Needs perf and root (for the uprobe). SCRATCH names the SwiftPM build folder;
# NO_BUILD=1 uses the binary there as is (e.g. one built from an older commit).
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch=${SCRATCH:-.build}
n=${1:-20000}; conns=${2:-8}; route=${3:-healthz}; reps=${4:-3}
[ -n "${NO_BUILD:-}" ] || swift build -c release --scratch-path "$scratch" --product descent-http-bench >/dev/null
bin="$scratch/release/descent-http-bench"
out=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$out"; }
trap cleanup EXIT
perf probe -l 2>/dev/null | grep -q 'probe_libc:malloc ' || perf probe -q -x "$(ldd "$bin" | awk '/libc.so.6/ {print $3}')" malloc
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" "$port" >/dev/null &
pid=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
python3 Benchmarks/http/requests.py "$port" 2000 "$conns" "$route" >/dev/null  # warm-up
echo "$route, $n requests over $conns connections; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "$reps"); do
  perf stat -x, -e probe_libc:malloc,raw_syscalls:sys_enter,context-switches,task-clock -p "$pid" -o "$out/stat" &
  perf_pid=$!
  sleep 0.5
  python3 Benchmarks/http/requests.py "$port" "$n" "$conns" "$route" >/dev/null
  kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true
  awk -F, -v n="$n" '$3=="probe_libc:malloc" {m=$1} $3=="raw_syscalls:sys_enter" {s=$1} $3=="context-switches" {c=$1} $3=="task-clock" {t=$1}
    END {printf "per request: malloc %.2f, system calls %.2f, context switches %.3f, CPU %.1f us\n", m/n, s/n, c/n, t*1000/n}' "$out/stat"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
