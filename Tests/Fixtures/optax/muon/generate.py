#!/usr/bin/env python3
"""Writes muon.json: optax.contrib.muon trajectories on one weight matrix and one bias, fed given gradients.

Muon orthogonalises the momentum of 2-D parameters (Newton–Schulz) and runs AdamW (Nesterov) on the rest. Each
trajectory case steps the real optax.contrib.muon (float64: jax_enable_x64, CPU, as a user steps it, its
`update` under jax.jit) on the pytree {"w": X, "b": b} where X (fan_in × fan_out, optax's x·W = y layout) is the
transpose of Descent's weight matrix W (outputs × inputs, row-major in θ, torch's layout), for 200 steps with gradients drawn
from a seeded numpy generator: the gradients are inputs (recorded per step, flat in Descent's θ order: W row by
row, then b) and the parameters optax's output (before every step and after the last). `MuonTests` feeds the
same gradients to Descent's Muon and compares every row.

The `polar` entries check the Newton–Schulz iteration itself: for a few matrices, optax's
`orthogonalize_via_newton_schulz` with the default coefficients (5 steps) and, with the cubic coefficients
(1.5, −0.5, 0) run 60 steps — which converge to the polar factor — numpy's SVD-based polar factor U·Vᵀ.

    /work/venv-torch/bin/python Tests/Fixtures/optax/muon/generate.py
"""
import json
import pathlib

import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402  (after the float64 switch)
import numpy as np  # noqa: E402
import optax  # noqa: E402
from optax.contrib import _muon  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
STEPS = 200


def case(name, outputs, inputs, seed, **options):
    return {"name": name, "outputs": outputs, "inputs": inputs, "seed": seed, "options": options}


CASES = [
    case("muon-wide", 3, 5, 1, learning_rate=0.02),
    case("muon-tall", 4, 2, 2, learning_rate=0.02),
    case("muon-square-decay", 3, 3, 3, learning_rate=0.01, weight_decay=0.1, adam_weight_decay=0.05, beta=0.9),
    case("muon-no-nesterov", 2, 4, 4, learning_rate=0.03, nesterov=False, adam_b1=0.8, adam_b2=0.99, eps=1e-6),
    case("muon-consistent-rms", 5, 3, 5, learning_rate=0.02, consistent_rms=0.2, adam_eps_root=1e-8),
    case("muon-three-steps", 3, 4, 6, learning_rate=0.02, ns_steps=3, ns_coeffs=(2.0, -1.5, 0.5)),
]

# Descent's names for optax's arguments (optax's own where they agree).
DESCENT_NAMES = {"learning_rate": "lr"}


def flat(w_matrix, bias):
    """Descent's θ order: W (outputs × inputs) row by row, then b."""
    return [float(x) for x in np.asarray(w_matrix).reshape(-1)] + [float(x) for x in np.asarray(bias)]


def run(entry):
    outputs, inputs = entry["outputs"], entry["inputs"]
    rng = np.random.default_rng(entry["seed"])
    w = rng.normal(size=(outputs, inputs)) * 0.5
    b = rng.normal(size=outputs) * 0.1
    tx = optax.contrib.muon(**entry["options"])
    params = {"w": jnp.asarray(w.T), "b": jnp.asarray(b)}
    state = tx.init(params)
    update = jax.jit(tx.update)
    rows, gradients = [flat(w, b)], []
    for _ in range(STEPS):
        gw = rng.normal(size=(outputs, inputs))
        gb = rng.normal(size=outputs)
        gradients.append(flat(gw, gb))
        updates, state = update({"w": jnp.asarray(gw.T), "b": jnp.asarray(gb)}, state, params)
        params = optax.apply_updates(params, updates)
        rows.append(flat(np.asarray(params["w"]).T, params["b"]))
    optimizer = {"type": "muon"}
    for key, value in entry["options"].items():
        optimizer[DESCENT_NAMES.get(key, key)] = list(value) if isinstance(value, tuple) else value
    call = "optax.contrib.muon(" + ", ".join(f"{k}={v!r}" for k, v in entry["options"].items()) + ")"
    return {"name": entry["name"], "optax": call, "optimizer": optimizer, "outputs": outputs, "inputs": inputs,
            "gradients": gradients, "params": rows}


def polar(seed, rows, columns):
    rng = np.random.default_rng(100 + seed)
    x = rng.normal(size=(rows, columns))
    u, _, vt = np.linalg.svd(x, full_matrices=False)
    default = _muon.orthogonalize_via_newton_schulz(jnp.asarray(x), jnp.asarray(_muon._DEFAULT_NS_COEFFS), 5)
    cubic = _muon.orthogonalize_via_newton_schulz(jnp.asarray(x), jnp.asarray((1.5, -0.5, 0.0)), 60)
    return {"matrix": x.tolist(), "optax_default": np.asarray(default).tolist(), "optax_cubic_60": np.asarray(cubic).tolist(),
            "polar_factor": (u @ vt).tolist()}


def main():
    document = {"generator": "Tests/Fixtures/optax/muon/generate.py", "optax_version": optax.__version__,
                "jax_version": jax.__version__, "numpy_version": np.__version__, "dtype": "float64",
                "polar": [polar(1, 3, 5), polar(2, 4, 2), polar(3, 3, 3)],
                "cases": [run(entry) for entry in CASES]}
    path = HERE / "muon.json"
    path.write_text(json.dumps(document) + "\n")
    print(f"{path.name}: {len(document['cases'])} cases, {len(document['polar'])} polar checks")


if __name__ == "__main__":
    main()
