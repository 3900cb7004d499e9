"""What the search benchmarks share: a fresh `descent serve` on a free port, JSON calls, waiting for studies.

The benchmarks import it from their own folder (run them as `python3 Benchmarks/Search/NAME.py ...`).
"""
import contextlib, json, socket, subprocess, tempfile, time, urllib.request


def call(port, method, path, body=None, raw=False):
    """One request to the service; the decoded JSON answer, or its text when `raw`."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        text = r.read()
        return text.decode() if raw else json.loads(text)


@contextlib.contextmanager
def serve(binary, prefix):
    """Runs `binary serve` on a free loopback port with a fresh data folder; yields the port once /healthz answers."""
    sock = socket.socket(); sock.bind(("127.0.0.1", 0)); port = sock.getsockname()[1]; sock.close()
    folder = tempfile.mkdtemp(prefix=prefix)
    server = subprocess.Popen([binary, "serve", "--port", str(port), "--data-dir", folder, "--log-level", "warning"])
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                call(port, "GET", "/healthz"); break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"{binary} serve did not answer on port {port}")
                time.sleep(0.05)
        yield port
    finally:
        server.terminate(); server.wait()


def wait_for_studies(port, ids, result):
    """ids: key -> study id. Polls until every study is finished; returns key -> result(study id, its `search`)."""
    results = {}
    while len(results) < len(ids):
        for key, sid in ids.items():
            if key in results:
                continue
            search = call(port, "GET", f"/v1/studies/{sid}")["search"]
            if search["state"] == "finished":
                results[key] = result(sid, search)
        if len(results) < len(ids):
            time.sleep(0.5)
    return results
