#!/usr/bin/env python3
"""Writes param_groups.json: torch.optim with parameter groups on a linear regression model.

Each case trains torch's model — `weight` (3 values) and `bias` (1 value) as two nn.Parameters, the layout of
Descent's linear_regression (θ = weights then bias) — with the real torch.optim class (CPU, float64,
foreach=False) built from param groups: the case's groups, in order, then a group of the tensors in none with
the optimizer's own options. The data set is given inline (the spec's `dataset`), the batch is the full training
set at every step, so the data and the batch order are inputs both sides share exactly. The gradient of the mean
squared error is evaluated in the order Descent's LinearRegressionObjective states it (per sample: the affine
value from the bias up, the residual, then 2·r·(1/B) times each feature) and checked against torch.autograd at
every point, so what the fixture tests is the optimizer's groups alone. Schedulers from generate.py's
`torch_scheduler` scale each group's rate from its own initial rate, as torch's schedulers do.

Rows have generate.py's shape, so TorchFixtureTests runs them with the other fixtures: `params` before every step
and after the last, `lr` the rate of the tensors in no group; `group_lr` gives every group's rate per step and,
for ASGD, `ax` the averaged parameters after the last step.

    /work/venv-torch/bin/python Tests/Fixtures/torch/param_groups.py
"""
import pathlib
import sys

import torch

from generate import HAS_FOREACH, TORCH_CLASSES, TUPLE_ARGUMENTS, torch_scheduler

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))  # Tests/Fixtures
from fixture_json import write_cases  # noqa: E402

torch.set_default_dtype(torch.float64)
HERE = pathlib.Path(__file__).resolve().parent

X = [[0.5, -1.2, 0.3], [1.1, 0.4, -0.7], [-0.9, 0.8, 1.5], [0.2, -0.3, -1.1],
     [1.7, 1.0, 0.6], [-1.4, -0.5, 0.9], [0.3, 1.9, -0.4], [-0.6, -1.6, -0.2]]
Y = [0.9, 2.1, -1.3, 1.4, 3.2, -2.5, 0.4, 0.7]
START = [0.5, -0.3, 0.2, 0.1]
STEPS = 200
DATASET = {"type": "inline", "x": X, "y": Y}


def case(name, optimizer, groups, schedule=None):
    return {"name": name, "optimizer": optimizer, "groups": groups, "schedule": schedule}


CASES = [
    case("groups-sgd-bias-no-decay", {"type": "sgd", "lr": 0.02, "momentum": 0.9, "weight_decay": 0.1},
         [{"params": ["bias"], "weight_decay": 0, "lr": 0.05}]),
    case("groups-sgd-nesterov-weight", {"type": "sgd", "lr": 0.01},
         [{"params": ["weight"], "momentum": 0.8, "nesterov": True, "weight_decay": 0.05}]),
    case("groups-adam-cosine", {"type": "adam", "lr": 0.01, "weight_decay": 0.05},
         [{"params": ["weight"], "lr": 0.05, "betas": [0.8, 0.99]}],
         schedule={"type": "cosine", "t_max": 150, "eta_min": 0.001}),
    case("groups-adamw-step", {"type": "adamw", "lr": 0.02, "weight_decay": 0.1},
         [{"params": ["bias"], "weight_decay": 0, "amsgrad": True}],
         schedule={"type": "step", "step_size": 50, "gamma": 0.5}),
    case("groups-rmsprop", {"type": "rmsprop", "lr": 0.005},
         [{"params": ["weight"], "momentum": 0.5, "centered": True, "lr": 0.002}]),
    case("groups-adagrad-exponential", {"type": "adagrad", "lr": 0.1},
         [{"params": ["weight"], "lr_decay": 0.01, "weight_decay": 0.02}],
         schedule={"type": "exponential", "gamma": 0.99}),
    case("groups-nadam-plateau", {"type": "nadam", "lr": 0.01},
         [{"params": ["bias"], "lr": 0.05, "momentum_decay": 0.01}],
         schedule={"type": "reduce_on_plateau", "patience": 3, "factor": 0.5, "threshold": 0.05}),
    case("groups-radam", {"type": "radam", "lr": 0.01},
         [{"params": ["weight"], "weight_decay": 0.1, "decoupled_weight_decay": True}]),
    case("groups-adamax", {"type": "adamax", "lr": 0.01, "weight_decay": 0.02},
         [{"params": ["bias"], "lr": 0.05, "weight_decay": 0}]),
    case("groups-adadelta", {"type": "adadelta", "lr": 1.0},
         [{"params": ["weight"], "rho": 0.8, "lr": 0.5}]),
    case("groups-rprop", {"type": "rprop", "lr": 0.01},
         [{"params": ["bias"], "etas": [0.4, 1.1], "step_sizes": [1e-5, 1.0]}]),
    case("groups-asgd", {"type": "asgd", "lr": 0.02, "t0": 20},
         [{"params": ["bias"], "lr": 0.05, "t0": 10, "lambd": 0.001}]),
]


def value_and_gradient(theta):
    """Mean squared error and its gradient in the order of Descent's LinearRegressionObjective."""
    d, count = len(X[0]), len(X)
    scale = 1 / count
    loss, gradient = 0.0, [0.0] * (d + 1)
    for row, target in zip(X, Y):
        s = theta[d]
        for j in range(d):
            s += theta[j] * row[j]
        residual = s - target
        loss += residual * residual
        c = 2 * residual * scale
        for j in range(d):
            gradient[j] += c * row[j]
        gradient[d] += c
    return loss * scale, gradient


def check_against_autograd(theta, loss, gradient):
    t = torch.tensor(theta, requires_grad=True)
    reference = ((torch.tensor(X) @ t[:-1] + t[-1] - torch.tensor(Y)) ** 2).mean()
    reference.backward()
    scale = max(1.0, max(abs(g) for g in t.grad.tolist()))
    if any(abs(a - b) > 1e-12 * scale for a, b in zip(gradient, t.grad.tolist())):
        sys.exit(f"gradient {gradient} differs from autograd {t.grad.tolist()} at {theta}")
    if abs(loss - reference.item()) > 1e-12 * max(1.0, abs(reference.item())):
        sys.exit(f"loss {loss} differs from autograd {reference.item()} at {theta}")


def options(spec):
    return {k: tuple(v) if k in TUPLE_ARGUMENTS else v for k, v in spec.items() if k not in ("type", "params")}


def run(entry):
    spec, groups = entry["optimizer"], entry["groups"]
    weight = torch.nn.Parameter(torch.tensor(START[:-1]))
    bias = torch.nn.Parameter(torch.tensor(START[-1:]))
    tensors = {"weight": weight, "bias": bias}
    param_groups, listed = [], set()
    for group in groups:
        param_groups.append({"params": [tensors[name] for name in group["params"]], **options(group)})
        listed.update(group["params"])
    rest = [name for name in tensors if name not in listed]
    if rest:
        param_groups.append({"params": [tensors[name] for name in rest]})
    arguments = options(spec)
    if spec["type"] in HAS_FOREACH:
        arguments["foreach"] = False
    optimizer = TORCH_CLASSES[spec["type"]](param_groups, **arguments)
    scheduler = torch_scheduler(entry["schedule"], optimizer, STEPS)

    def theta():
        return weight.detach().tolist() + bias.detach().tolist()

    params, lrs, group_lrs = [theta()], [], []
    for _ in range(STEPS):
        group_lrs.append([group["lr"] for group in optimizer.param_groups])
        lrs.append(optimizer.param_groups[-1]["lr"])
        point = theta()
        loss, gradient = value_and_gradient(point)
        check_against_autograd(point, loss, gradient)
        weight.grad = torch.tensor(gradient[:-1])
        bias.grad = torch.tensor(gradient[-1:])
        optimizer.step()
        if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
            scheduler.step(loss)
        elif scheduler is not None:
            scheduler.step()
        params.append(theta())
    optimizer_spec = dict(spec, param_groups=groups)
    experiment = {"objective": {"type": "linear_regression"}, "dataset": DATASET, "optimizer": optimizer_spec,
                  "start": START, "steps": STEPS, "stop": {"divergence_factor": 1e300}}
    if entry["schedule"] is not None:
        experiment["schedule"] = entry["schedule"]
    call = f"torch.optim.{TORCH_CLASSES[spec['type']].__name__}(param_groups, " \
        + ", ".join(f"{k}={v!r}" for k, v in spec.items() if k != "type") + ")"
    if scheduler is not None:
        call += f" with torch.optim.lr_scheduler.{type(scheduler).__name__}"
    record = {"name": entry["name"], "torch": call, "spec": experiment, "lr": lrs, "group_lr": group_lrs,
              "params": params}
    if spec["type"] == "asgd":
        record["ax"] = optimizer.state[weight]["ax"].tolist() + optimizer.state[bias]["ax"].tolist()
    return record


def main():
    records = [run(entry) for entry in CASES]
    header = {"generator": "Tests/Fixtures/torch/param_groups.py", "torch_version": torch.__version__, "dtype": "float64"}
    write_cases(HERE / "param_groups.json", header, records)


if __name__ == "__main__":
    main()
