#!/usr/bin/env bash
# Instructions per request of a descent-http-bench binary, counted by callgrind over a fixed number of
# keep-alive requests (Benchmarks/http/requests.py, 8 connections) after 1,000 warm-up requests: the
# load-independent CPU figure (every thread of the server; the client is not counted).
# Usage: Benchmarks/http/callgrind.sh [binary] [healthz|echo] [requests]
#   (defaults: .build-rel/release/descent-http-bench healthz 5000). Needs valgrind (callgrind_control).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-.build-rel/release/descent-http-bench}; route=${2:-healthz}; n=${3:-5000}
out=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$bin" "$port" >/dev/null 2>"$out/err" &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; rm -rf "$out"; }
trap cleanup EXIT
for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
python3 Benchmarks/http/requests.py "$port" 1000 8 "$route" >/dev/null
callgrind_control -z "$pid" >/dev/null
python3 Benchmarks/http/requests.py "$port" "$n" 8 "$route" >/dev/null
callgrind_control -d "$pid" >/dev/null
for _ in $(seq 50); do [ -s "$out/cg.1" ] && grep -q '^totals' "$out/cg.1" && break; sleep 0.2; done
ir=$(awk '/^summary/ {print $2}' "$out/cg.1")
echo "$route: $ir instructions over $n requests = $((ir / n)) per request"
