#!/usr/bin/env python3
"""A 10,000-trial random search against 10,000 small experiments submitted in batches (throughput, wall clock).

Both arms run the same kind of run: Adam on Rosenbrock from (-1.5, 2), STEPS steps (default 100), with the
learning rate log-uniform in [1e-4, 1]. Each arm runs in its own fresh `descent serve` (SQLite, default workers,
--queue-capacity 20000):
  - batch: POST /v1/experiments/batch, TRIALS/1000 requests of 1,000 specs (rates from Python's seeded random),
    then wait until nothing is queued or running (polled every 0.05 s);
  - study: one POST /v1/studies, random sampler, TRIALS trials, max_concurrent 256, then wait until it is finished
    (the study listing polled every 0.05 s); then the study's whole JSON (every trial) is read once, timed apart.
Figures: wall time from the first request until the runs are done (the batch idle, the study finished), runs per
second, and the study's rate as a fraction of the batch's, also counting the study's final read; then each arm's
server CPU seconds (user + system, from the server's start to the end of the arm, the read included), which depend
far less than wall time on other work sharing the machine.

Usage: many_trials.py DESCENT_BINARY [TRIALS=10000] [STEPS=100]
"""
import random, sys, time

from service import call, searching, serve, wait_until_idle

BINARY = sys.argv[1]
TRIALS = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
STEPS = int(sys.argv[3]) if len(sys.argv) > 3 else 100
BASE = {"objective": {"type": "rosenbrock"}, "optimizer": {"type": "adam", "lr": 0.01}, "start": [-1.5, 2], "steps": STEPS}
SERVE = ("--queue-capacity", "20000")


def batch_arm(usage):
    with serve(BINARY, "descent-many-trials-", SERVE, usage) as port:
        rng = random.Random(0)
        start = time.monotonic()
        for first in range(0, TRIALS, 1000):
            items = [dict(BASE, optimizer={"type": "adam", "lr": 10 ** rng.uniform(-4, 0)}) for _ in range(first, min(TRIALS, first + 1000))]
            call(port, "POST", "/v1/experiments/batch", {"items": items})
        wait_until_idle(port, poll=0.05)
        return time.monotonic() - start


def study_arm(usage):
    with serve(BINARY, "descent-many-trials-", SERVE, usage) as port:
        start = time.monotonic()
        sid = call(port, "POST", "/v1/studies", {"name": "many", "base": BASE, "search": {
            "space": {"optimizer.lr": {"type": "log_uniform", "low": 1e-4, "high": 1}}, "sampler": "random",
            "trials": TRIALS, "max_concurrent": 256, "seed": 0}})["id"]
        while sid in searching(port):
            time.sleep(0.05)
        elapsed = time.monotonic() - start
        search = call(port, "GET", f"/v1/studies/{sid}")["search"]
        read = time.monotonic() - start - elapsed
        assert search["state"] == "finished" and search["trials_ended"] == TRIALS, search
        return elapsed, read


def main():
    batch_usage, study_usage = {}, {}
    batch = batch_arm(batch_usage)
    study, read = study_arm(study_usage)
    print(f"{TRIALS} runs of Rosenbrock + Adam, {STEPS} steps each")
    print(f"{'arm':28} {'wall s':>8} {'runs/s':>8}")
    print(f"{'batch (10 x 1,000 specs)':28} {batch:8.2f} {TRIALS / batch:8.0f}")
    print(f"{'random-search study':28} {study:8.2f} {TRIALS / study:8.0f}")
    print(f"study's final read (all trials): {read:.2f} s")
    print(f"study rate / batch rate: {batch / study:.2f} (with the final read: {batch / (study + read):.2f})")
    print(f"server CPU s: batch {batch_usage['cpu_s']:.1f}, study {study_usage['cpu_s']:.1f} "
          f"(study / batch {study_usage['cpu_s'] / batch_usage['cpu_s']:.2f})")
    print(f"server MB written to storage: batch {batch_usage['written_mb']:.0f}, study {study_usage['written_mb']:.0f}")


if __name__ == "__main__":
    main()
