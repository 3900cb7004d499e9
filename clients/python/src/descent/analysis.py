"""Synchronous analysis: critical points, loss surfaces and the spectra of runs (`client.analysis`)."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional, Sequence, Tuple, Union

from .models import CriticalPoint, Experiment, Spectrum, Surface

if TYPE_CHECKING:
    from ._transport import Transport

ObjectiveLike = Union[str, Mapping[str, Any], Experiment]
"""An objective: its type name (`"saddle"`), its spec (`{"type": "rosenbrock", "b": 100}`), or an
experiment, whose objective, dataset and seed are used."""


def objective_body(objective: ObjectiveLike, dataset: Optional[Mapping[str, Any]], seed: Optional[int]) -> Dict[str, Any]:
    """The `objective`, `dataset` and `seed` keys of an analysis request."""
    body: Dict[str, Any] = {}
    if isinstance(objective, Experiment):
        body["objective"] = objective.spec.get("objective")
        if objective.spec.get("dataset") is not None:
            body["dataset"] = objective.spec["dataset"]
            body["seed"] = objective.spec.get("seed", 0)
    elif isinstance(objective, str):
        body["objective"] = {"type": objective}
    else:
        body["objective"] = dict(objective)
    if dataset is not None:
        body["dataset"] = dict(dataset)
    if seed is not None:
        body["seed"] = seed
    return body


class Analysis:
    """`POST /v1/analysis/*`: answered at once, nothing is queued or stored."""

    def __init__(self, transport: "Transport") -> None:
        self._transport = transport

    def critical_point(self, objective: ObjectiveLike, point: Sequence[float], *,
                       dataset: Optional[Mapping[str, Any]] = None, seed: Optional[int] = None,
                       step_length: Optional[float] = None) -> CriticalPoint:
        """Gradient, Hessian, its eigen-decomposition and the classification of `point`.

        Args:
            objective: a type name, an objective spec, or an `Experiment` (its objective, dataset, seed).
            point: one value per parameter.
            dataset, seed: the data of a dataset objective (default: the experiment's, if one was given).
            step_length: length of the escape step the predicted change is computed for (server default 1).
        Returns:
            A `CriticalPoint`; at the saddle of (1 − w1·w2)² at the origin: eigenvalues −2 and 2, kind
            `saddle`, escape direction ±(1, 1)/√2.
        """
        body = objective_body(objective, dataset, seed)
        body["point"] = [float(v) for v in point]
        if step_length is not None:
            body["step_length"] = step_length
        response = self._transport.call("critical_point", body=body, composed_body=True)
        return CriticalPoint.from_json(json.loads(response.body))

    def surface(self, objective: ObjectiveLike, *, x_range: Optional[Tuple[float, float]] = None,
                y_range: Optional[Tuple[float, float]] = None, resolution: Optional[int] = None,
                base: Optional[Sequence[float]] = None, axes: Optional[Tuple[int, int]] = None,
                dataset: Optional[Mapping[str, Any]] = None, seed: Optional[int] = None) -> Surface:
        """Loss values on a grid over two parameters (`values[j][i]` at (`xs[i]`, `ys[j]`)).

        Args:
            objective: a type name, an objective spec, or an `Experiment`.
            x_range, y_range: the axes' extent (server default [-2, 2]).
            resolution: points per axis, 2 … 201 (server default 50).
            base: the point the two axes move away from (needed above 2 parameters).
            axes: which two parameters vary (default (0, 1)).
        """
        body = objective_body(objective, dataset, seed)
        for key, value in (("x_range", x_range), ("y_range", y_range), ("base", base), ("axes", axes)):
            if value is not None:
                body[key] = list(value)
        if resolution is not None:
            body["resolution"] = resolution
        response = self._transport.call("surface", body=body, composed_body=True)
        return Surface.from_json(json.loads(response.body))

    def experiment(self, experiment: Union[str, Experiment], *, step: Optional[int] = None, batch: Any = None,
                   k: Optional[int] = None, trace: Optional[Mapping[str, Any]] = None,
                   density: Union[bool, Mapping[str, Any], None] = None) -> Spectrum:
        """The Hessian spectrum of a run at a recorded step, or at its final point.

        Args:
            experiment: an `Experiment` or its id.
            step: a recorded step (the run must record parameters); None: the final point.
            batch: `"full"` (server default), `"step"`, `{"epoch": e, "index": i}` or `{"indices": [...]}`.
            k: eigenpairs at each end of the spectrum, 1 … 32 (server default 5).
            trace: `{"method": "auto"|"exact"|"hutchinson", "probes": m, "seed": s}`.
            density: True for the stochastic Lanczos quadrature density with defaults, or its settings
                (`probes`, `count`, `steps`, `points`, `sigma`, `seed`).
        Returns:
            A `Spectrum`; at the saddle (1 − w1·w2)² at the origin, top eigenvalue 2 and bottom −2.
        """
        body: Dict[str, Any] = {}
        for key, value in (("step", step), ("batch", batch), ("k", k), ("trace", trace), ("density", density)):
            if value is not None:
                body[key] = dict(value) if isinstance(value, Mapping) else value
        ident = experiment.id if isinstance(experiment, Experiment) else experiment
        response = self._transport.call("analyze_experiment", path_params={"id": ident}, body=body, composed_body=True)
        return Spectrum.from_json(json.loads(response.body))
