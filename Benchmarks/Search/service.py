"""What the search benchmarks share: a fresh `descent serve` on a free port, JSON calls, waiting for studies.

The benchmarks import it from their own folder (run them as `python3 Benchmarks/Search/NAME.py ...`).
"""
import contextlib, json, os, shutil, socket, subprocess, tempfile, time, urllib.parse, urllib.request


def call(port, method, path, body=None, raw=False, timeout=600):
    """One request to the service; the decoded JSON answer, or its text when `raw`."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        text = r.read()
        return text.decode() if raw else json.loads(text)


def cpu_seconds(pid):
    """User + system CPU time of a live process, in seconds (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def written_bytes(pid):
    """Bytes a live process has caused to be written to storage (Linux /proc/PID/io, `write_bytes`)."""
    with open(f"/proc/{pid}/io") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("write_bytes:"))


@contextlib.contextmanager
def serve(binary, prefix, extra=(), usage=None):
    """Runs `binary serve` (with the `extra` arguments) on a free loopback port with a fresh data folder; yields
    the port once /healthz answers. With a `usage` dict, sets usage["cpu_s"] to the server's CPU seconds (user +
    system) when the block ends: unlike wall time, it hardly depends on what else the machine runs."""
    sock = socket.socket(); sock.bind(("127.0.0.1", 0)); port = sock.getsockname()[1]; sock.close()
    folder = tempfile.mkdtemp(prefix=prefix)
    server = subprocess.Popen([binary, "serve", "--port", str(port), "--data-dir", folder, "--log-level", "warning", *extra])
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
        if usage is not None:
            usage["cpu_s"] = cpu_seconds(server.pid)
            usage["written_mb"] = written_bytes(server.pid) / 1e6
    finally:
        server.terminate(); server.wait()
        shutil.rmtree(folder, ignore_errors=True)  # a 10,000-run store is tens of MB; runs must not fill the disk


def searching(port):
    """Ids of the search studies still searching (`GET /v1/studies?state=searching`, every page)."""
    ids, cursor = set(), None
    while True:
        query = "kind=search&state=searching&limit=500" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
        page = call(port, "GET", f"/v1/studies?{query}")
        ids.update(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            return ids


def wait_for_studies(port, ids, result, poll=0.5):
    """ids: key -> study id. Waits until every study is finished; returns key -> result(study id, its `search`).

    Polls the study listing, whose items carry no trials, and reads each study's whole JSON (every trial) once,
    when it has finished: a long search's JSON is not free to build, and polling it would load the server."""
    results = {}
    while True:
        still = searching(port)
        for key, sid in ids.items():
            if key not in results and sid not in still:
                search = call(port, "GET", f"/v1/studies/{sid}")["search"]
                assert search["state"] == "finished", (sid, search["state"])
                results[key] = result(sid, search)
        if len(results) == len(ids):
            return results
        time.sleep(poll)


def wait_until_idle(port, poll=0.2):
    """Waits until no experiment is queued or running."""
    while call(port, "GET", "/v1/experiments?status=queued&limit=1")["items"] or \
            call(port, "GET", "/v1/experiments?status=running&limit=1")["items"]:
        time.sleep(poll)
