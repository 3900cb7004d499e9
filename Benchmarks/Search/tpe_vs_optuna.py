#!/usr/bin/env python3
"""TPE vs random search in Descent, and Descent's TPE vs Optuna's, on one search (loss quality, not speed).

Search: Adam on Rosenbrock from (-1.5, 2), 500 steps, final loss minimized, over
optimizer.lr ~ log-uniform [1e-4, 1], optimizer.betas.0 ~ U[0.5, 0.99], optimizer.betas.1 ~ U[0.9, 0.9999];
50 trials, one at a time (max_concurrent 1, as Optuna's study.optimize with n_jobs=1), study seeds 0..SEEDS-1.
Descent's studies run in a fresh `descent serve`; Optuna's objective runs the same spec with `descent run`, so
both optimize the very same function (a diverged run scores +inf in both).

Usage: tpe_vs_optuna.py DESCENT_BINARY [SEEDS]   (needs `optuna` importable for the Optuna half)
"""
import json, statistics, subprocess, sys

from service import call, serve, wait_for_studies

BINARY = sys.argv[1]
SEEDS = int(sys.argv[2]) if len(sys.argv) > 2 else 20
TRIALS = 50
BASE = {"objective": {"type": "rosenbrock"}, "optimizer": {"type": "adam", "lr": 0.01, "betas": [0.9, 0.999]},
        "start": [-1.5, 2], "steps": 500}
SPACE = {"optimizer.lr": {"type": "log_uniform", "low": 1e-4, "high": 1},
         "optimizer.betas.0": {"type": "uniform", "low": 0.5, "high": 0.99},
         "optimizer.betas.1": {"type": "uniform", "low": 0.9, "high": 0.9999}}


def descent_best(sampler):
    with serve(BINARY, "descent-tpe-bench-") as port:
        ids = {seed: call(port, "POST", "/v1/studies", {"name": f"{sampler} {seed}", "base": BASE, "search": {
            "space": SPACE, "sampler": sampler, "trials": TRIALS, "max_concurrent": 1, "seed": seed}})["id"]
            for seed in range(SEEDS)}
        best = wait_for_studies(port, ids, lambda _sid, search: min(
            float(t["value"]) for t in search["trials"] if t["state"] == "complete"))
        return [best[s] for s in range(SEEDS)]


def optuna_best():
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    def objective(trial):
        spec = json.loads(json.dumps(BASE))
        spec["optimizer"]["lr"] = trial.suggest_float("lr", 1e-4, 1, log=True)
        spec["optimizer"]["betas"] = [trial.suggest_float("b1", 0.5, 0.99), trial.suggest_float("b2", 0.9, 0.9999)]
        out = subprocess.run([BINARY, "run", "-"], input=json.dumps(spec), capture_output=True, text=True, check=True).stdout
        summary = json.loads(out)["summary"]
        loss = float(summary["final_loss"])
        return float("inf") if summary["stop_reason"] == "diverged" or loss != loss else loss

    best = []
    for seed in range(SEEDS):
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
        study.optimize(objective, n_trials=TRIALS)
        best.append(study.best_value)
    return best, optuna.__version__


def main():
    results = {"descent_tpe": descent_best("tpe"), "descent_random": descent_best("random")}
    try:
        results["optuna_tpe"], version = optuna_best()
    except ImportError:
        version = None
    print(f"best final loss after {TRIALS} trials, {SEEDS} study seeds (optuna {version})")
    for name, values in results.items():
        q = statistics.quantiles(values, n=4)
        print(f"  {name:15s} median {statistics.median(values):.3e}  quartiles {q[0]:.3e} {q[2]:.3e}")
    json.dump(results, open("tpe_vs_optuna.json", "w"), indent=1)


if __name__ == "__main__":
    main()
