#!/usr/bin/env python3
"""Writes asam.json: trajectories of the authors' ASAM (Kwon et al. 2021) around torch.optim.SGD.

The reference is the `ASAM` class of the authors' code (github.com/SamsungLabs/ASAM, `asam.py`), which is not
committed here: the script reads it from a git clone of that repository at generation time (`git show
HEAD:asam.py` into a temporary folder, then imports it). Each case wraps the real torch.optim.SGD (single-tensor
path, foreach=False, CPU, float64) and steps it as the authors' `example_cifar.py` does:

    loss(θ).backward();   minimizer.ascent_step()     # θ' = θ + ε, gradients cleared
    loss(θ').backward();  minimizer.descent_step()    # θ ← θ' − ε, then SGD's step with ∇L(θ')

for 300 steps from a fixed start, recording the parameters before every step and after the last. The authors'
class scales a parameter's perturbation by |w| + eta only when its name contains "weight": a closed form's θ is
one parameter named `weight` (Descent treats it as one weight tensor), and the linear-regression case has
`weight` (3 values) and `bias` (1 value, not scaled), Descent's linear_regression layout. The Swift test
`ASAMFixtureTests` runs each case's Descent spec (`spec`, a complete experiment) and compares every row.

Gradients are closed forms evaluated in the order the objectives' definitions state, shared with the torch and
optax fixtures (../torch/generate.py, ../torch/param_groups.py) and checked against torch.autograd there, so
what the fixture tests is the update rule alone. Needs torch (the shared float64 virtualenv has it):

    git clone https://github.com/SamsungLabs/ASAM /tmp/ASAM
    /work/venv-torch/bin/python Tests/Fixtures/asam/generate.py --git-dir /tmp/ASAM/.git
"""
import argparse
import importlib.util
import json
import math
import pathlib
import subprocess
import sys
import tempfile

import torch

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "torch"))
from generate import check_against_autograd, objective_value_and_gradient  # noqa: E402
import param_groups  # noqa: E402

torch.set_default_dtype(torch.float64)

ROSENBROCK, ROSENBROCK_START = {"type": "rosenbrock"}, [-1.2, 1.0]
SADDLE, SADDLE_START = {"type": "saddle"}, [0.3, -0.2]
CONVEX = {"type": "quadratic", "a": [[2.0, 0.5], [0.5, 1.0]], "b": [1.0, -0.5]}
CONVEX_START = [1.5, -2.0]
LINEAR = {"type": "linear_regression"}
STEPS = 300


def case(name, optimizer, objective=ROSENBROCK, start=ROSENBROCK_START):
    return {"name": name, "optimizer": optimizer, "objective": objective, "start": start}


# `optimizer` is the Descent spec: rho and eta are ASAM's arguments, the rest torch.optim.SGD's.
CASES = [
    case("asam", {"type": "asam", "lr": 1e-3}),
    case("asam-momentum-decay", {"type": "asam", "lr": 5e-4, "rho": 0.1, "eta": 0.0, "momentum": 0.9,
                                 "weight_decay": 5e-4}),
    case("asam-saddle-nesterov", {"type": "asam", "lr": 0.05, "rho": 0.05, "eta": 0.1, "momentum": 0.5,
                                  "nesterov": True}, objective=SADDLE, start=SADDLE_START),
    case("asam-quadratic-dampening", {"type": "asam", "lr": 0.1, "rho": 0.2, "momentum": 0.8, "dampening": 0.3},
         objective=CONVEX, start=CONVEX_START),
    case("asam-linear-regression", {"type": "asam", "lr": 0.02, "rho": 0.3, "eta": 0.05, "momentum": 0.9,
                                    "weight_decay": 1e-3}, objective=LINEAR, start=param_groups.START),
]


def load_authors_class(git_dir):
    """The ASAM class of the authors' asam.py at the clone's HEAD, and that commit."""
    source = subprocess.run(["git", "--git-dir", git_dir, "show", "HEAD:asam.py"], check=True,
                            capture_output=True, text=True).stdout
    commit = subprocess.run(["git", "--git-dir", git_dir, "rev-parse", "HEAD"], check=True,
                            capture_output=True, text=True).stdout.strip()
    folder = tempfile.mkdtemp()
    path = pathlib.Path(folder) / "asam.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("asam", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ASAM, commit


class Model(torch.nn.Module):
    """The case's parameters under the names the authors' class looks at: `weight`, and `bias` for the linear model."""

    def __init__(self, objective, start):
        super().__init__()
        if objective["type"] == "linear_regression":
            self.weight = torch.nn.Parameter(torch.tensor(start[:-1]))
            self.bias = torch.nn.Parameter(torch.tensor(start[-1:]))
        else:
            self.weight = torch.nn.Parameter(torch.tensor(start))

    def theta(self):
        return [x for p in self.parameters() for x in p.detach().tolist()]

    def set_gradient(self, gradient):
        offset = 0
        for p in self.parameters():
            p.grad = torch.tensor(gradient[offset:offset + p.numel()])
            offset += p.numel()


def gradient_at(objective, theta):
    if objective["type"] == "linear_regression":
        loss, gradient = param_groups.value_and_gradient(theta)
        param_groups.check_against_autograd(theta, loss, gradient)
    else:
        loss, gradient = objective_value_and_gradient(objective, theta)
        check_against_autograd(objective, theta, loss, gradient)
    return gradient


def run(entry, asam_class):
    objective, start, spec = entry["objective"], entry["start"], entry["optimizer"]
    sgd_options = {k: v for k, v in spec.items() if k not in ("type", "rho", "eta")}
    asam_options = {k: spec[k] for k in ("rho", "eta") if k in spec}
    model = Model(objective, start)
    optimizer = torch.optim.SGD(model.parameters(), foreach=False, **sgd_options)
    minimizer = asam_class(optimizer, model, **asam_options)
    rows = [model.theta()]
    for _ in range(STEPS):
        model.set_gradient(gradient_at(objective, model.theta()))
        minimizer.ascent_step()
        model.set_gradient(gradient_at(objective, model.theta()))
        minimizer.descent_step()
        rows.append(model.theta())
    for row in rows:
        if not all(math.isfinite(x) for x in row):
            sys.exit(f"{entry['name']}: non-finite parameters; choose a smaller lr")
    experiment = {"objective": objective, "optimizer": spec, "start": start, "steps": STEPS,
                  "stop": {"divergence_factor": 1e300}}
    if objective["type"] == "linear_regression":
        experiment["dataset"] = param_groups.DATASET
    call = "ASAM(torch.optim.SGD(model.parameters(), " + ", ".join(f"{k}={v!r}" for k, v in sgd_options.items()) \
        + "), model" + "".join(f", {k}={v!r}" for k, v in asam_options.items()) + ")"
    return {"name": entry["name"], "reference": call, "spec": experiment, "params": rows}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--git-dir", required=True, help="git directory of a clone of SamsungLabs/ASAM")
    arguments = parser.parse_args()
    asam_class, commit = load_authors_class(arguments.git_dir)
    records = [run(entry, asam_class) for entry in CASES]
    header = {"generator": "Tests/Fixtures/asam/generate.py", "reference": "github.com/SamsungLabs/ASAM asam.py",
              "reference_commit": commit, "torch_version": torch.__version__, "dtype": "float64"}
    lines = ",\n".join(json.dumps(record) for record in records)
    path = HERE / "asam.json"
    path.write_text(json.dumps(header)[:-1] + ', "cases": [\n' + lines + "\n]}\n")
    print(f"{path.name}: {len(records)} cases")


if __name__ == "__main__":
    main()
