#!/usr/bin/env python3
"""Writes the torch.optim reference trajectories in this folder (one JSON file per algorithm).

Each case runs the real torch.optim class (single-tensor code path, foreach=False, CPU, float64)
on a 2-D closed-form objective for a few hundred steps from a fixed start and records the
parameters before every step and after the last. The Swift test `TorchFixtureTests` runs the
case's Descent spec (the `spec` member, a complete experiment) and compares every row.

Needs torch, which CI does not: make a scratch environment and run this script from it, e.g.

    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch==2.13.0+cpu
    /tmp/torchvenv/bin/python Tests/Fixtures/torch/generate.py

Cases whose schedule cycles the momentum (`cycle_momentum`) also record the param group's momentum or
betas[0] before every step (`momentum`).

Cases with `transforms` apply torch.nn.utils.clip_grad_norm_ / clip_grad_value_ (defaults: foreach on the
CPU) to the gradient before each step, in list order, and an `ema` or `polyak` entry keeps a
torch.optim.swa_utils.AveragedModel of the parameters (updated after each step; `ema` with
get_ema_multi_avg_fn(decay)), recorded as `averaged_model` (one row per step).

The gradients are the objectives' closed forms, evaluated in the order their definitions state
(../closed_forms.py), and checked against torch.autograd at every point, so what the
fixtures test is the optimizer alone.

The exception is accumulate.json (`run_accumulated`): there the gradient is torch's own. Each step is the
pattern torch users write for gradient accumulation: optimizer.zero_grad(), then for each of the k
micro-batches loss = torch.mean((features @ p[:-1] + p[-1] - targets) ** 2) and (loss / k).backward()
(autograd sums into .grad), then the case's other gradient transforms, then optimizer.step().
"""
import math
import pathlib
import sys

import torch

from cases import CASES

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))  # Tests/Fixtures
from closed_forms import check_against_reference, objective_value_and_gradient  # noqa: E402
from fixture_json import write_cases  # noqa: E402

torch.set_default_dtype(torch.float64)
HERE = pathlib.Path(__file__).resolve().parent

TORCH_CLASSES = {
    "sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
    "adagrad": torch.optim.Adagrad, "rmsprop": torch.optim.RMSprop, "nadam": torch.optim.NAdam,
    "radam": torch.optim.RAdam, "adamax": torch.optim.Adamax, "adadelta": torch.optim.Adadelta,
    "rprop": torch.optim.Rprop, "asgd": torch.optim.ASGD, "lbfgs": torch.optim.LBFGS,
}
# Classes whose constructor takes `foreach` (L-BFGS has a single code path).
HAS_FOREACH = set(TORCH_CLASSES) - {"lbfgs"}
TUPLE_ARGUMENTS = {"betas", "etas", "step_sizes"}


def autograd_value_and_gradient(objective, theta):
    """The same loss through torch.autograd (an independent check of the closed forms)."""
    t = torch.tensor(theta, requires_grad=True)
    kind = objective["type"]
    if kind == "rosenbrock":
        a, b = objective.get("a", 1.0), objective.get("b", 100.0)
        loss = b * (t[1] - t[0] ** 2) ** 2 + (a - t[0]) ** 2
    elif kind == "saddle":
        loss = (1 - t[0] * t[1]) ** 2
    else:
        matrix, shift = torch.tensor(objective["a"]), torch.tensor(objective["b"])
        loss = 0.5 * t @ matrix @ t + shift @ t
    loss.backward()
    return loss.item(), t.grad.tolist()


def check_against_autograd(objective, theta, loss, gradient):
    check_against_reference(theta, loss, gradient, *autograd_value_and_gradient(objective, theta), "autograd")


def torch_optimizer(spec, parameter):
    kind = spec["type"]
    arguments = {k: tuple(v) if k in TUPLE_ARGUMENTS else v for k, v in spec.items() if k != "type"}
    if kind in HAS_FOREACH:
        arguments["foreach"] = False
    return TORCH_CLASSES[kind]([parameter], **arguments)


def torch_scheduler(spec, optimizer, steps):
    """The torch.optim.lr_scheduler object for a Descent schedule spec (None for none)."""
    if spec is None:
        return None
    kind, scheduler = spec["type"], torch.optim.lr_scheduler
    if kind == "step":
        return scheduler.StepLR(optimizer, step_size=spec["step_size"], gamma=spec.get("gamma", 0.1))
    if kind == "multistep":
        return scheduler.MultiStepLR(optimizer, milestones=spec["milestones"], gamma=spec.get("gamma", 0.1))
    if kind == "exponential":
        return scheduler.ExponentialLR(optimizer, gamma=spec["gamma"])
    if kind == "cosine":
        return scheduler.CosineAnnealingLR(optimizer, T_max=spec["t_max"], eta_min=spec.get("eta_min", 0.0))
    if kind == "linear_warmup":
        warmup = spec["warmup_steps"]
        first = scheduler.LinearLR(optimizer, start_factor=spec.get("start_factor", 1.0 / 3.0), end_factor=1.0,
                                   total_iters=warmup)
        then = torch_scheduler(spec.get("then", {"type": "constant"}), optimizer, steps)
        return scheduler.SequentialLR(optimizer, [first, then], milestones=[warmup])
    if kind == "constant":
        return scheduler.ConstantLR(optimizer, factor=1.0, total_iters=0)
    if kind == "one_cycle":
        # Descent's cycle_momentum defaults to false (torch's to True).
        return scheduler.OneCycleLR(optimizer, max_lr=spec["max_lr"], total_steps=spec.get("total_steps") or steps,
                                    pct_start=spec.get("pct_start", 0.3), div_factor=spec.get("div_factor", 25.0),
                                    final_div_factor=spec.get("final_div_factor", 1e4),
                                    cycle_momentum=spec.get("cycle_momentum", False),
                                    base_momentum=spec.get("base_momentum", 0.85),
                                    max_momentum=spec.get("max_momentum", 0.95),
                                    three_phase=spec.get("three_phase", False),
                                    anneal_strategy=spec.get("anneal_strategy", "cos"))
    if kind == "linear":
        return scheduler.LinearLR(optimizer, start_factor=spec.get("start_factor", 1.0 / 3.0),
                                  end_factor=spec.get("end_factor", 1.0), total_iters=spec.get("total_iters", 5))
    if kind == "constant_factor":
        return scheduler.ConstantLR(optimizer, factor=spec.get("factor", 1.0 / 3.0), total_iters=spec.get("total_iters", 5))
    if kind == "polynomial":
        return scheduler.PolynomialLR(optimizer, total_iters=spec.get("total_iters", 5), power=spec.get("power", 1.0))
    if kind == "cosine_warm_restarts":
        return scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=spec["t_0"], T_mult=spec.get("t_mult", 1),
                                                     eta_min=spec.get("eta_min", 0.0))
    if kind == "cyclic":
        # Descent's cycle_momentum defaults to false (torch's to True).
        return scheduler.CyclicLR(optimizer, base_lr=spec.get("base_lr", optimizer.param_groups[0]["lr"]),
                                  max_lr=spec["max_lr"], step_size_up=spec.get("step_size_up", 2000),
                                  step_size_down=spec.get("step_size_down"), mode=spec.get("mode", "triangular"),
                                  gamma=spec.get("gamma", 1.0), cycle_momentum=spec.get("cycle_momentum", False),
                                  base_momentum=spec.get("base_momentum", 0.8),
                                  max_momentum=spec.get("max_momentum", 0.9))
    if kind == "lambda":
        # The case gives the same formula in Python (`python`); `t` is the step, `math` the module.
        formula = eval(f"lambda t: {spec['python']}", {"math": math})
        return scheduler.LambdaLR(optimizer, lr_lambda=formula)
    if kind == "sequential":
        parts = [torch_scheduler(part, optimizer, steps) for part in spec["schedules"]]
        return scheduler.SequentialLR(optimizer, parts, milestones=spec["milestones"])
    if kind == "reduce_on_plateau":
        return scheduler.ReduceLROnPlateau(optimizer, mode=spec.get("mode", "min"), factor=spec.get("factor", 0.1),
                                           patience=spec.get("patience", 10), threshold=spec.get("threshold", 1e-4),
                                           threshold_mode=spec.get("threshold_mode", "rel"),
                                           cooldown=spec.get("cooldown", 0), min_lr=spec.get("min_lr", 0.0),
                                           eps=spec.get("eps", 1e-8))
    raise ValueError(f"no torch scheduler for {kind}")


def gradient_transforms(transforms):
    """The torch calls for a case's gradient transforms, in order (averages excluded)."""
    calls = []
    for transform in transforms:
        kind = transform["type"]
        if kind == "clip_grad_norm":
            norm_type = float(transform.get("norm_type", "2"))
            calls.append(lambda p, t=transform, q=norm_type: torch.nn.utils.clip_grad_norm_([p], t["max_norm"], norm_type=q))
        elif kind == "clip_grad_value":
            calls.append(lambda p, t=transform: torch.nn.utils.clip_grad_value_([p], t["clip_value"]))
        elif kind not in ("ema", "polyak"):
            raise ValueError(f"no torch counterpart for transform {kind}")
    return calls


def averaged_model(transforms, module):
    """The AveragedModel of a case's `ema` or `polyak` entry (None without one)."""
    for transform in transforms:
        if transform["type"] == "ema":
            decay = transform.get("decay", 0.999)
            return torch.optim.swa_utils.AveragedModel(
                module, multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(decay))
        if transform["type"] == "polyak":
            return torch.optim.swa_utils.AveragedModel(module)
    return None


def without_python(schedule):
    """A schedule spec without the cases' `python` formulas (also inside a sequence's schedules)."""
    out = {k: v for k, v in schedule.items() if k != "python"}
    if "schedules" in out:
        out["schedules"] = [without_python(part) for part in out["schedules"]]
    return out


def run(case):
    """Runs one case; returns its fixture record."""
    objective, start, steps = case["objective"], case["start"], case["steps"]
    spec = case["optimizer"]
    module = torch.nn.Module()
    module.theta = torch.nn.Parameter(torch.tensor(start))
    parameter = module.theta
    optimizer = torch_optimizer(spec, parameter)
    transforms = case.get("transforms") or []
    clips = gradient_transforms(transforms)
    average = averaged_model(transforms, module)
    scheduler = torch_scheduler(case.get("schedule"), optimizer, steps)
    evaluations = 0

    def closure():
        nonlocal evaluations
        theta = parameter.detach().tolist()
        loss, gradient = objective_value_and_gradient(objective, theta)
        check_against_autograd(objective, theta, loss, gradient)
        parameter.grad = torch.tensor(gradient)
        evaluations += 1
        return torch.tensor(loss)

    params, lrs, extra = [list(start)], [], {}
    # With cycle_momentum: the group's momentum (SGD, RMSprop) or betas[0] (the Adam family) of each step.
    cycled = (case.get("schedule") or {}).get("cycle_momentum", False)
    momentum_key = "betas" if "betas" in optimizer.defaults else "momentum"
    averaged = [[0.0] * len(start)] if spec["type"] == "asgd" else None
    counted = [0] if spec["type"] == "lbfgs" else None
    for _ in range(steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        if cycled:
            value = optimizer.param_groups[0][momentum_key]
            extra.setdefault("momentum", []).append(value[0] if momentum_key == "betas" else value)
        if spec["type"] == "lbfgs":
            optimizer.step(closure)
            counted.append(evaluations)
        else:
            loss = closure()
            for clip in clips:
                clip(parameter)
            optimizer.step()
            if average is not None:
                average.update_parameters(module)
                extra.setdefault("averaged_model", []).append(average.module.theta.detach().tolist())
        if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
            # stepped on the loss at the parameters the update started from
            scheduler.step(loss.item())
        elif scheduler is not None:
            scheduler.step()
        params.append(parameter.detach().tolist())
        if averaged is not None:
            averaged.append(optimizer.state[parameter]["ax"].tolist())
    for row in params:
        if not all(math.isfinite(x) for x in row):
            sys.exit(f"{case['name']}: non-finite parameters; choose a smaller lr")
    if averaged is not None:
        extra["averaged"] = averaged
    if counted is not None:
        extra["evaluations"] = counted
    arguments = ", ".join(f"{k}={v!r}" for k, v in spec.items() if k != "type")
    experiment = {"objective": objective, "optimizer": spec, "start": start, "steps": steps,
                  "stop": {"divergence_factor": 1e300}}
    if transforms:
        experiment["transforms"] = transforms
    if case.get("schedule") is not None:
        experiment["schedule"] = without_python(case["schedule"])
    call = f"torch.optim.{TORCH_CLASSES[spec['type']].__name__}({arguments})"
    if scheduler is not None:
        call += f" with torch.optim.lr_scheduler.{type(scheduler).__name__}"
    if transforms:
        call += " after " + ", ".join(t["type"] for t in transforms)
    return {"name": case["name"], "torch": call,
            "spec": experiment, "lr": lrs, "params": params, **extra}


MASK = (1 << 64) - 1


class SplitMix64:
    """Descent's `SeededRandom` as its documentation states it: SplitMix64, Lemire's bounded integers."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, bound):
        product = self.next() * bound
        if product & MASK < bound:
            threshold = (-bound % (1 << 64)) % bound
            while product & MASK < threshold:
                product = self.next() * bound
        return product >> 64


def batch_stream(samples, batch_size, drop_last, seed):
    """Descent's mini-batches (Training/Batcher.swift's documentation), epoch after epoch: epoch e visits
    0..<N in the order Fisher–Yates from the last index down gives with a generator seeded by
    (seed ^ 0xB47C4E5553485546) + e; batches of batch_size, the last partial one kept unless drop_last."""
    per_epoch = samples // batch_size if drop_last else -(-samples // batch_size)
    epoch = 0
    while True:
        order = list(range(samples))
        random = SplitMix64((seed ^ 0xB47C4E5553485546) + epoch)
        for i in range(samples - 1, 0, -1):
            j = random.below(i + 1)
            order[i], order[j] = order[j], order[i]
        for b in range(per_epoch):
            yield order[b * batch_size:min(b * batch_size + batch_size, samples)]
        epoch += 1


def regression_value_and_gradient(x, y, theta, rows):
    """Mean squared error of w·x + b over `rows` and its gradient (2/B) Σ rᵢ x̃ᵢ (weights, then bias)."""
    scale = 1 / len(rows)
    d = len(x[0])
    loss, gradient = 0.0, [0.0] * (d + 1)
    for i in rows:
        prediction = theta[d]
        for j in range(d):
            prediction += theta[j] * x[i][j]
        residual = prediction - y[i]
        loss += residual * residual
        for j in range(d):
            gradient[j] += 2 * residual * scale * x[i][j]
        gradient[d] += 2 * residual * scale
    return loss * scale, gradient


def check_regression_against_autograd(x, y, theta, rows, loss, gradient):
    t = torch.tensor(theta, requires_grad=True)
    features, targets = torch.tensor([x[i] for i in rows]), torch.tensor([y[i] for i in rows])
    reference = torch.mean((features @ t[:-1] + t[-1] - targets) ** 2)
    reference.backward()
    for mine, theirs in zip(gradient + [loss], t.grad.tolist() + [reference.item()]):
        if abs(mine - theirs) > 1e-12 * max(1.0, abs(theirs)):
            sys.exit(f"regression gradient {gradient} differs from autograd {t.grad.tolist()} at {theta}")


def run_accumulated(case):
    """An `accumulate` case, written the way torch users write gradient accumulation, with torch's own autograd:
    optimizer.zero_grad(); then for each of the k micro-batches (from `batch_stream`)
    loss = torch.mean((features @ p[:-1] + p[-1] - targets) ** 2) and (loss / k).backward(), autograd
    accumulating into p.grad; then the transforms after `accumulate` (gradient_transforms); then optimizer.step()."""
    x, y = case["dataset"]["x"], case["dataset"]["y"]
    k = case["transforms"][0]["steps"]
    spec, start, steps = case["optimizer"], case["start"], case["steps"]
    parameter = torch.nn.Parameter(torch.tensor(start))
    optimizer = torch_optimizer(spec, parameter)
    clips = gradient_transforms(case["transforms"][1:])
    batches = batch_stream(len(x), case["batch_size"], case["drop_last"], case["seed"])
    params, lrs = [list(start)], []
    for _ in range(steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.zero_grad()
        for _ in range(k):
            rows = next(batches)
            features, targets = torch.tensor([x[i] for i in rows]), torch.tensor([y[i] for i in rows])
            loss = torch.mean((features @ parameter[:-1] + parameter[-1] - targets) ** 2)
            (loss / k).backward()
        for clip in clips:
            clip(parameter)
        optimizer.step()
        params.append(parameter.detach().tolist())
    arguments = ", ".join(f"{k}={v!r}" for k, v in spec.items() if k != "type")
    experiment = {"objective": case["objective"], "dataset": case["dataset"], "optimizer": spec, "start": start,
                  "steps": steps, "batch_size": case["batch_size"], "drop_last": case["drop_last"], "seed": case["seed"],
                  "transforms": case["transforms"], "stop": {"divergence_factor": 1e300}}
    call = (f"torch.optim.{TORCH_CLASSES[spec['type']].__name__}({arguments}): per step zero_grad(), then for each of "
            f"{k} micro-batches loss = torch.mean((features @ p[:-1] + p[-1] - targets) ** 2) and (loss / {k}).backward()"
            + "".join(f", then {t['type']}" for t in case["transforms"][1:]) + ", then step()")
    return {"name": case["name"], "torch": call, "spec": experiment, "lr": lrs, "params": params}


def split_validation(x, y, fraction, seed):
    """Descent's validation split (Data/Dataset.swift's `split`, seeded with seed ^ 0x53504C4954000000 by the
    dataset builder): round(fraction·n) (halves away from zero) indices of a Fisher–Yates shuffle of 0..<n are
    held out; both parts keep the original order."""
    n = len(x)
    count = min(int(math.floor(fraction * n + 0.5)), max(n - 1, 0))
    order = list(range(n))
    random = SplitMix64(seed ^ 0x53504C4954000000)
    for i in range(n - 1, 0, -1):
        j = random.below(i + 1)
        order[i], order[j] = order[j], order[i]
    validation, training = sorted(order[:count]), sorted(order[count:])
    return ([x[i] for i in training], [y[i] for i in training]), ([x[i] for i in validation], [y[i] for i in validation])


def run_plateau_on_evaluations(case):
    """A ReduceLROnPlateau case stepped after each epoch on the full training-set or the validation loss."""
    dataset, schedule = case["dataset"], case["schedule"]
    (x, y), (vx, vy) = split_validation(dataset["x"], dataset["y"], dataset.get("validation_fraction", 0.0), case["seed"])
    spec, start, steps = case["optimizer"], case["start"], case["steps"]
    parameter = torch.nn.Parameter(torch.tensor(start))
    optimizer = torch_optimizer(spec, parameter)
    scheduler = torch_scheduler({k: v for k, v in schedule.items() if k != "metric"}, optimizer, steps)
    per_epoch = -(-len(x) // case["batch_size"])
    batches = batch_stream(len(x), case["batch_size"], False, case["seed"])
    params, lrs = [list(start)], []
    for t in range(steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        theta = parameter.detach().tolist()
        rows = next(batches)
        loss, gradient = regression_value_and_gradient(x, y, theta, rows)
        check_regression_against_autograd(x, y, theta, rows, loss, gradient)
        parameter.grad = torch.tensor(gradient)
        optimizer.step()
        params.append(parameter.detach().tolist())
        if (t + 1) % per_epoch == 0:
            theta = parameter.detach().tolist()
            if schedule["metric"] == "validation_loss":
                observed, _ = regression_value_and_gradient(vx, vy, theta, range(len(vx)))
            else:
                observed, _ = regression_value_and_gradient(x, y, theta, range(len(x)))
            scheduler.step(observed)
    arguments = ", ".join(f"{k}={v!r}" for k, v in spec.items() if k != "type")
    experiment = {"objective": case["objective"], "dataset": dataset, "optimizer": spec, "start": start, "steps": steps,
                  "batch_size": case["batch_size"], "seed": case["seed"], "schedule": schedule,
                  "stop": {"divergence_factor": 1e300}}
    call = (f"torch.optim.{TORCH_CLASSES[spec['type']].__name__}({arguments}) with "
            f"torch.optim.lr_scheduler.{type(scheduler).__name__} stepped per epoch on the {schedule['metric']}")
    return {"name": case["name"], "torch": call, "spec": experiment, "lr": lrs, "params": params}


def main():
    files = {}
    for case in CASES:
        if case.get("file") == "accumulate":
            record = run_accumulated(case)
        elif case.get("file") == "plateau_evaluations":
            record = run_plateau_on_evaluations(case)
        else:
            record = run(case)
        files.setdefault(case.get("file", case["optimizer"]["type"]), []).append(record)
    for kind, records in files.items():
        header = {"generator": "Tests/Fixtures/torch/generate.py", "torch_version": torch.__version__,
                  "dtype": "float64"}
        write_cases(HERE / f"{kind}.json", header, records)


if __name__ == "__main__":
    main()
