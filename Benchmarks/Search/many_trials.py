#!/usr/bin/env python3
"""A 10,000-trial random search against 10,000 small experiments submitted in batches (throughput, wall clock).

Both arms run the same kind of run: Adam on Rosenbrock from (-1.5, 2), STEPS steps (default 100), with the
learning rate log-uniform in [1e-4, 1]. Each arm runs in its own fresh `descent serve` (SQLite, default workers,
--queue-capacity 20000):
  - batch: POST /v1/experiments/batch, TRIALS/1000 requests of 1,000 specs (rates from Python's seeded random),
    then wait until nothing is queued or running;
  - study: one POST /v1/studies, random sampler, TRIALS trials, max_concurrent 256, then wait until it is finished.
Figures: wall time from the first request to the end, runs per second, and the study's rate as a fraction of the
batch's.

Usage: many_trials.py DESCENT_BINARY [TRIALS=10000] [STEPS=100]
"""
import json, random, socket, subprocess, sys, tempfile, time, urllib.request

BINARY = sys.argv[1]
TRIALS = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
STEPS = int(sys.argv[3]) if len(sys.argv) > 3 else 100
BASE = {"objective": {"type": "rosenbrock"}, "optimizer": {"type": "adam", "lr": 0.01}, "start": [-1.5, 2], "steps": STEPS}


def call(port, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.loads(r.read())


def serve():
    sock = socket.socket(); sock.bind(("127.0.0.1", 0)); port = sock.getsockname()[1]; sock.close()
    folder = tempfile.mkdtemp(prefix="descent-many-trials-")
    server = subprocess.Popen([BINARY, "serve", "--port", str(port), "--data-dir", folder, "--log-level", "warning",
                               "--queue-capacity", "20000"])
    for _ in range(400):
        try:
            call(port, "GET", "/healthz"); break
        except OSError:
            time.sleep(0.05)
    return server, port


def batch_arm():
    server, port = serve()
    try:
        rng = random.Random(0)
        start = time.monotonic()
        for first in range(0, TRIALS, 1000):
            items = [dict(BASE, optimizer={"type": "adam", "lr": 10 ** rng.uniform(-4, 0)}) for _ in range(first, min(TRIALS, first + 1000))]
            call(port, "POST", "/v1/experiments/batch", {"items": items})
        while call(port, "GET", "/v1/experiments?status=queued&limit=1")["items"] or \
                call(port, "GET", "/v1/experiments?status=running&limit=1")["items"]:
            time.sleep(0.2)
        return time.monotonic() - start
    finally:
        server.terminate(); server.wait()


def study_arm():
    server, port = serve()
    try:
        start = time.monotonic()
        sid = call(port, "POST", "/v1/studies", {"name": "many", "base": BASE, "search": {
            "space": {"optimizer.lr": {"type": "log_uniform", "low": 1e-4, "high": 1}}, "sampler": "random",
            "trials": TRIALS, "max_concurrent": 256, "seed": 0}})["id"]
        while True:
            search = call(port, "GET", f"/v1/studies/{sid}")["search"]
            if search["state"] == "finished":
                break
            time.sleep(2)  # the study's JSON lists every trial: polling it is not free
        elapsed = time.monotonic() - start
        assert search["trials_ended"] == TRIALS, search["trials_ended"]
        return elapsed
    finally:
        server.terminate(); server.wait()


def main():
    batch = batch_arm()
    study = study_arm()
    print(f"{TRIALS} runs of Rosenbrock + Adam, {STEPS} steps each")
    print(f"{'arm':28} {'wall s':>8} {'runs/s':>8}")
    print(f"{'batch (10 x 1,000 specs)':28} {batch:8.1f} {TRIALS / batch:8.0f}")
    print(f"{'random-search study':28} {study:8.1f} {TRIALS / study:8.0f}")
    print(f"study rate / batch rate: {batch / study:.2f}")


if __name__ == "__main__":
    main()
