#!/usr/bin/env python3
"""ASHA against full-budget random search in Descent: the best loss found and the steps spent (quality, not speed).

Search: Adam on Rosenbrock from (-1.5, 2), 810 steps, final loss minimized, over
optimizer.lr ~ log-uniform [1e-4, 1], optimizer.betas.0 ~ U[0.5, 0.99]; the random sampler, max_concurrent 4,
study seeds 0..SEEDS-1. For each seed:
  - random: TRIALS trials, each run to its full budget;
  - asha k× (k = 1, 2, 3): k·TRIALS trials of the same random stream (its first TRIALS are the very configurations of `random`)
    with the pruner {"type": "asha", "report_every": 10, "min_resource": MIN_RESOURCE, "reduction_factor": ETA}
    (MIN_RESOURCE 30: rungs at 30, 90, 270 steps; 10 adds a rung at 10).
Steps spent = the sum of every trial's steps_run (trials.csv). The best of a study is its lowest complete trial.

Target: ASHA reaches the median (over seeds) best loss of full-budget random search with at most 1/3 of its steps.

Usage: asha_vs_random.py DESCENT_BINARY [SEEDS=10] [TRIALS=30] [MIN_RESOURCE=30] [ETA=4]
"""
import csv, io, statistics, sys

from service import call, serve, wait_for_studies

BINARY = sys.argv[1]
SEEDS = int(sys.argv[2]) if len(sys.argv) > 2 else 10
TRIALS = int(sys.argv[3]) if len(sys.argv) > 3 else 30
MIN_RESOURCE = int(sys.argv[4]) if len(sys.argv) > 4 else 30
ETA = int(sys.argv[5]) if len(sys.argv) > 5 else 4
STEPS = 810
BASE = {"objective": {"type": "rosenbrock"}, "optimizer": {"type": "adam", "lr": 0.01, "betas": [0.9, 0.999]},
        "start": [-1.5, 2], "steps": STEPS}
SPACE = {"optimizer.lr": {"type": "log_uniform", "low": 1e-4, "high": 1},
         "optimizer.betas.0": {"type": "uniform", "low": 0.5, "high": 0.99}}
ASHA = {"type": "asha", "report_every": 10, "min_resource": MIN_RESOURCE, "reduction_factor": ETA}


def run_studies(port, arms):
    """arms: name -> (trials, pruner). Returns name -> [(best, steps) per seed]."""
    ids = {}
    for name, (trials, pruner) in arms.items():
        for seed in range(SEEDS):
            search = {"space": SPACE, "sampler": "random", "trials": trials, "max_concurrent": 4, "seed": seed}
            if pruner:
                search["pruner"] = pruner
            ids[(name, seed)] = call(port, "POST", "/v1/studies", {"name": f"{name} {seed}", "base": BASE, "search": search})["id"]
    def outcome(sid, _search):
        rows = list(csv.DictReader(io.StringIO(call(port, "GET", f"/v1/studies/{sid}/trials.csv", raw=True))))
        best = min(float(r["value"]) for r in rows if r["state"] == "complete")
        steps = sum(float(r["steps_run"] or 0) for r in rows)
        pruned = sum(r["state"] == "pruned" for r in rows)
        return best, steps, pruned
    results = wait_for_studies(port, ids, outcome)
    return {name: [results[(name, s)] for s in range(SEEDS)] for name in arms}


def main():
    arms = {"random": (TRIALS, None), **{f"asha {k}x": (k * TRIALS, ASHA) for k in (1, 2, 3)}}
    with serve(BINARY, "descent-asha-bench-") as port:
        out = run_studies(port, arms)
    base_best = statistics.median(b for b, _, _ in out["random"])
    base_steps = statistics.mean(s for _, s, _ in out["random"])
    print(f"Rosenbrock + Adam, {STEPS} steps, random sampler, {SEEDS} seeds, {TRIALS} trials for full-budget random search, "
          f"ASHA min_resource {MIN_RESOURCE}, reduction_factor {ETA}")
    print(f"{'arm':10} {'trials':>6} {'median best':>12} {'quartiles of best':>24} {'mean steps':>11} {'steps/random':>13} {'pruned':>7}")
    verdict = []
    for name, rows in out.items():
        bests = sorted(b for b, _, _ in rows)
        q = statistics.quantiles(bests, n=4) if len(bests) > 1 else [bests[0]] * 3
        steps = statistics.mean(s for _, s, _ in rows)
        pruned = statistics.mean(p for _, _, p in rows)
        med = statistics.median(bests)
        print(f"{name:10} {arms[name][0]:6d} {med:12.3e} {q[0]:11.3e} … {q[2]:10.3e} {steps:11.0f} {steps / base_steps:13.3f} {pruned:7.1f}")
        if name != "random":
            verdict.append((name, med <= base_best and steps <= base_steps / 3))
    for name, met in verdict:
        print(f"target ({name}: median best <= random's with <= 1/3 of its steps): {'met' if met else 'not met'}")


if __name__ == "__main__":
    main()
