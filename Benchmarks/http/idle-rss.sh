#!/usr/bin/env bash
# RSS of the DescentHTTP bench server before and while 1,000 idle keep-alive connections are open.
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch=${SCRATCH:-.build}   # SwiftPM build folder of the main package
swift build -c release --scratch-path "$scratch" --product descent-http-bench >/dev/null
ulimit -n 8192
"$scratch"/release/descent-http-bench 8094 >/dev/null & pid=$!
sleep 1
before=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
fifo=$(mktemp -u); mkfifo "$fifo"
python3 -c '
import socket, sys, time
socks = [socket.create_connection(("127.0.0.1", 8094)) for _ in range(1000)]
for s in socks: s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
for s in socks: s.recv(4096)
open(sys.argv[1], "w").write("ready\n")
time.sleep(30)
' "$fifo" & py=$!
read -r _ < "$fifo"
sleep 1
during=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
kill $py $pid; rm -f "$fifo"
echo "RSS idle server: ${before} kB; with 1,000 idle keep-alive connections: ${during} kB"
