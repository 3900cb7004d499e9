#!/usr/bin/env python3
"""Writes the optax reference trajectories in this folder (one JSON file per rule).

Each case runs the real optax rule (float64: jax_enable_x64, CPU, not jitted, as a user steps it:
`tx.update(grads, state, params)` then `optax.apply_updates`) on a 2-D closed-form objective for a few
hundred steps from a fixed start and records the parameters before every step and after the last
(and, for SAM, the gradient evaluations done before each row, cumulative).
For the schedule-free rules each row also has the averaged point x (`averaged`: the initial point, then
`optax.contrib.schedule_free_eval_params(state, params)` after every step), where params are y, the points
where the gradient is taken.
The Swift test `OptaxFixtureTests` runs the case's Descent spec (the `spec` member, a complete
experiment) and compares every row.

Needs optax and jax, which CI does not: make a scratch environment and run this script from it, e.g.

    python3 -m venv /tmp/optaxvenv && /tmp/optaxvenv/bin/pip install optax jax
    /tmp/optaxvenv/bin/python Tests/Fixtures/optax/generate.py [RULE …]

(with rule names, e.g. `sam`, only those rules' files are written).

The gradients are the objectives' closed forms (../closed_forms.py), evaluated in the order their definitions state (as
in ../torch/generate.py), and checked against jax.grad at every point, so what the fixtures test is
the update rule alone.
"""
import math
import pathlib
import sys

import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402  (after the float64 switch)
import optax  # noqa: E402

from cases import CASES  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))  # Tests/Fixtures
from closed_forms import check_against_reference, objective_value_and_gradient  # noqa: E402
from fixture_json import write_cases  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent

OPTAX_FUNCTIONS = {
    "lion": optax.lion, "adabelief": optax.adabelief, "lamb": optax.lamb, "lars": optax.lars, "adan": optax.adan,
    "prodigy": optax.contrib.prodigy, "schedule_free_sgd": optax.contrib.schedule_free_sgd,
    "schedule_free_adamw": optax.contrib.schedule_free_adamw,
}
# Rules whose fixtures also record the averaged point x at every row (schedule_free_eval_params).
SCHEDULE_FREE = {"schedule_free_sgd", "schedule_free_adamw"}
TUPLE_ARGUMENTS = {"betas"}
# optax.yogi does not take initial_accumulator_value; scale_by_yogi does.
YOGI_ARGUMENTS = {"b1", "b2", "eps", "initial_accumulator_value"}


def jax_value_and_gradient(objective, theta):
    """The same loss through jax.grad (an independent check of the closed forms)."""
    kind = objective["type"]
    if kind == "rosenbrock":
        a, b = objective.get("a", 1.0), objective.get("b", 100.0)
        loss = lambda t: b * (t[1] - t[0] ** 2) ** 2 + (a - t[0]) ** 2  # noqa: E731
    elif kind == "saddle":
        loss = lambda t: (1 - t[0] * t[1]) ** 2  # noqa: E731
    else:
        matrix, shift = jnp.array(objective["a"]), jnp.array(objective["b"])
        loss = lambda t: 0.5 * t @ matrix @ t + shift @ t  # noqa: E731
    value, gradient = jax.value_and_grad(loss)(jnp.array(theta))
    return float(value), [float(g) for g in gradient]


def optax_transformation(spec):
    """The optax GradientTransformation for a Descent optimizer spec, and the call it stands for."""
    kind = spec["type"]
    arguments = {k: v for k, v in spec.items() if k not in ("type", "lr")}
    rate = spec["lr"]
    if kind == "sam":
        rho, momentum = arguments.get("rho", 0.05), arguments.get("momentum", 0.0) or None
        nesterov = arguments.get("nesterov", False)
        outer = optax.sgd(rate, momentum=momentum, nesterov=nesterov)
        adversarial = optax.chain(optax.contrib.normalize(), optax.sgd(rho))
        call = f"optax.contrib.sam(optax.sgd({rate!r}, momentum={momentum!r}, nesterov={nesterov!r}), " \
               f"optax.chain(optax.contrib.normalize(), optax.sgd({rho!r})), sync_period=2, opaque_mode=True)"
        return optax.contrib.sam(outer, adversarial, sync_period=2, opaque_mode=True), call
    if kind == "yogi":
        assert set(arguments) <= YOGI_ARGUMENTS
        transformation = optax.chain(optax.scale_by_yogi(**arguments), optax.scale_by_learning_rate(rate))
        call = f"optax.chain(optax.scale_by_yogi({', '.join(f'{k}={v!r}' for k, v in arguments.items())}), " \
               f"optax.scale_by_learning_rate({rate!r}))"
        return transformation, call
    arguments = {k: tuple(v) if k in TUPLE_ARGUMENTS else v for k, v in arguments.items()}
    listed = ", ".join([f"learning_rate={rate!r}"] + [f"{k}={v!r}" for k, v in arguments.items()])
    name = f"optax.contrib.{kind}" if kind == "prodigy" or kind in SCHEDULE_FREE else f"optax.{kind}"
    return OPTAX_FUNCTIONS[kind](learning_rate=rate, **arguments), f"{name}({listed})"


def run(case):
    """Runs one case; returns its fixture record."""
    objective, start, steps = case["objective"], case["start"], case["steps"]
    spec = case["optimizer"]
    transformation, call = optax_transformation(spec)
    params = jnp.array(start, dtype=jnp.float64)
    state = transformation.init(params)
    rows, evaluations = [list(start)], [0]
    averaged = [list(start)] if spec["type"] in SCHEDULE_FREE else None

    def gradient_at(point, _=None):
        """The closed-form gradient at `point` (checked against jax.grad), counted."""
        theta = [float(x) for x in point]
        loss, gradient = objective_value_and_gradient(objective, theta)
        check_against_reference(theta, loss, gradient, *jax_value_and_gradient(objective, theta), "jax.grad")
        evaluations[-1] += 1
        return jnp.array(gradient, dtype=jnp.float64)

    for _ in range(steps):
        evaluations.append(evaluations[-1])
        gradient = gradient_at(params)
        extra = {"grad_fn": gradient_at} if spec["type"] == "sam" else {}
        updates, state = transformation.update(gradient, state, params, **extra)
        params = optax.apply_updates(params, updates)
        rows.append([float(x) for x in params])
        if averaged is not None:
            averaged.append([float(x) for x in optax.contrib.schedule_free_eval_params(state, params)])
    for row in rows:
        if not all(math.isfinite(x) for x in row):
            sys.exit(f"{case['name']}: non-finite parameters; choose a smaller lr")
    experiment = {"objective": objective, "optimizer": spec, "start": start, "steps": steps,
                  "stop": {"divergence_factor": 1e300}}
    record = {"name": case["name"], "optax": call, "spec": experiment, "lr": [spec["lr"]] * steps, "params": rows}
    if spec["type"] == "sam":
        record["evaluations"] = evaluations
    if averaged is not None:
        record["averaged"] = averaged
    return record


def main():
    only = set(sys.argv[1:])  # rule names to regenerate (default: all)
    files = {}
    for case in CASES:
        if only and case["optimizer"]["type"] not in only:
            continue
        files.setdefault(case["optimizer"]["type"], []).append(run(case))
    for name, records in files.items():
        header = {"generator": "Tests/Fixtures/optax/generate.py", "optax_version": optax.__version__,
                  "jax_version": jax.__version__, "dtype": "float64"}
        write_cases(HERE / f"{name}.json", header, records)


if __name__ == "__main__":
    main()
