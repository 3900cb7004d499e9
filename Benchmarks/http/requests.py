#!/usr/bin/env python3
"""Sends exactly N keep-alive requests over C connections (one in flight on each) and checks every reply.

A fixed amount of work for per-request counts (instructions under callgrind, system calls, mallocs),
where wrk's fixed duration would not do. Usage: requests.py PORT N [C] [healthz|echo]
"""
import socket
import sys

port, total = int(sys.argv[1]), int(sys.argv[2])
conns = int(sys.argv[3]) if len(sys.argv) > 3 else 8
route = sys.argv[4] if len(sys.argv) > 4 else "healthz"
if route == "echo":
    body = b'{"data":"' + b"x" * 1012 + b'"}'  # 1 KiB of JSON, as post.lua
    request = (b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               b"Content-Length: %d\r\n\r\n" % len(body)) + body
else:
    request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def read_reply(sock, pending):
    """Reads one whole reply (head and Content-Length body) from `pending` + the socket; returns the rest."""
    while b"\r\n\r\n" not in pending:
        chunk = sock.recv(65536)
        if not chunk:
            raise SystemExit("connection closed")
        pending += chunk
    head, _, rest = pending.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200 "):
        raise SystemExit("unexpected reply: %r" % head[:80])
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise SystemExit("connection closed")
        rest += chunk
    return rest[length:]


socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(conns)]
buffers = [b""] * conns
sent = 0
while sent < total:
    batch = min(conns, total - sent)
    for i in range(batch):
        socks[i].sendall(request)
    for i in range(batch):
        buffers[i] = read_reply(socks[i], buffers[i])
    sent += batch
for s in socks:
    s.close()
print(f"{total} requests answered over {conns} connections")
