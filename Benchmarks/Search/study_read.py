#!/usr/bin/env python3
"""The time of one read of a finished 10,000-trial random search (`GET /v1/studies/{id}`: every trial and member).

Runs the study of `many_trials.py` (Adam on Rosenbrock, 100 steps, the learning rate log-uniform in [1e-4, 1],
`max_concurrent` 256) in a fresh `descent serve`, waits until it has finished, then reads it READS times and prints each
read's wall time and the body's size.

Usage: study_read.py DESCENT_BINARY [READS=3]
"""
import sys, time

from service import call, serve, wait_for_studies

BASE = {"objective": {"type": "rosenbrock"}, "optimizer": {"type": "adam", "lr": 0.01}, "start": [-1.5, 2], "steps": 100}

with serve(sys.argv[1], "descent-study-read-", ("--queue-capacity", "20000")) as port:
    sid = call(port, "POST", "/v1/studies", {"name": "many", "base": BASE, "search": {
        "space": {"optimizer.lr": {"type": "log_uniform", "low": 1e-4, "high": 1}}, "sampler": "random",
        "trials": 10000, "max_concurrent": 256, "seed": 0}})["id"]
    wait_for_studies(port, {"many": sid}, lambda _sid, _search: None, poll=0.2)
    for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 3):
        start = time.monotonic()
        body = call(port, "GET", f"/v1/studies/{sid}", raw=True)
        print(f"study_read: trials=10000 wall_s={time.monotonic() - start:.3f} bytes={len(body)}")
