"""Synchronous analysis: critical points, loss surfaces, landscapes and the spectra of runs (`client.analysis`)."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional, Sequence, Tuple, Union

from .models import CriticalPoint, Experiment, Landscape, Spectrum, Surface

if TYPE_CHECKING:
    from ._transport import Response, Transport

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

PointLike = Union[Sequence[float], str, Experiment, Tuple[Union[str, Experiment], int]]
"""A landscape point: its values, an experiment (or id: its final point), or (experiment, recorded step)."""


def point_body(point: PointLike) -> Any:
    """A landscape point as the API takes it: an array or `{"experiment", "step"?}`."""
    if isinstance(point, (str, Experiment)):
        return {"experiment": point if isinstance(point, str) else point.id}
    if isinstance(point, tuple) and len(point) == 2 and isinstance(point[0], (str, Experiment)):
        run, step = point
        return {"experiment": run if isinstance(run, str) else run.id, "step": int(step)}
    return [float(v) for v in point]


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

    def landscape(self, kind: str, *, objective: Optional[ObjectiveLike] = None,
                  dataset: Optional[Mapping[str, Any]] = None, seed: Optional[int] = None,
                  range: Optional[Tuple[float, float]] = None, resolution: Optional[int] = None,
                  from_: Optional[PointLike] = None, to: Optional[PointLike] = None, at: Optional[PointLike] = None,
                  directions: Optional[str] = None, direction_seed: Optional[int] = None,
                  indices: Optional[Tuple[int, int]] = None, experiment: Union[str, Experiment, None] = None,
                  path_points: Optional[int] = None) -> Landscape:
        """A loss landscape: `line` (`from_`, `to`), `plane` (`at`, `directions`) or `pca` (`experiment`).

        Args:
            kind: `line`, `plane` or `pca`.
            objective, dataset, seed: the loss (default: the first named experiment's).
            range: α range of a line (server default (-0.5, 1.5)) or both axes' range of a plane ((-1, 1)).
            resolution: points on the line (default 101, ≤ 1001) or grid side (default 21, ≤ 201).
            from_, to, at: points (values, an experiment or its id, or (experiment, step)).
            directions: `random` (default, filter-normalised, seeded by `direction_seed`), `eigenvectors`
                (the Hessian's top two) or `coordinates` (`indices`).
            experiment: the run whose recorded path a `pca` plane is fitted to (at most `path_points` rows).
        Returns:
            A `Landscape`; on L = ½‖w‖² the line from (1, 0) to (0, 1) is ½((1 − α)² + α²).
        """
        return Landscape.from_json(json.loads(self._landscape("landscape", locals()).body))

    def landscape_svg(self, kind: str, **fields: Any) -> str:
        """The same landscape drawn as SVG (`POST /v1/analysis/landscape.svg`); `fields` as for `landscape`."""
        return self._landscape("landscape_svg", dict(fields, kind=kind)).body.decode("utf-8")

    def batch_cost(self, spec: Mapping[str, Any], batch_sizes: Sequence[int], *, epochs: Optional[int] = None,
                   repeats: Optional[int] = None, split: Optional[str] = None) -> Dict[str, Any]:
        """CPU time per update and per epoch at each batch size (`POST /v1/analysis/batch-cost`): the spec's model
        trained `epochs` whole epochs (default 5) per batch size, fastest of `repeats` runs (default 3), on one
        thread. Returns the answer as decoded: `rows` of batch_size, updates_per_epoch, updates,
        seconds_per_update, seconds_per_epoch, seconds_per_sample_gradient, with the batch summed in sample order;
        with `split="lanes"` also `split_rows`, the same training with four samples per SIMD register, timed beside
        it. The figures are measurements."""
        return dict(json.loads(self._batch_cost("batch_cost", spec, batch_sizes, epochs, repeats, split).body))

    def batch_cost_svg(self, spec: Mapping[str, Any], batch_sizes: Sequence[int], *, epochs: Optional[int] = None,
                       repeats: Optional[int] = None, split: Optional[str] = None) -> str:
        """The same measurement drawn as SVG (`POST /v1/analysis/batch-cost.svg`)."""
        return self._batch_cost("batch_cost_svg", spec, batch_sizes, epochs, repeats, split).body.decode("utf-8")

    def _batch_cost(self, route: str, spec: Mapping[str, Any], batch_sizes: Sequence[int], epochs: Optional[int],
                    repeats: Optional[int], split: Optional[str]) -> "Response":
        body: Dict[str, Any] = {"spec": dict(spec), "batch_sizes": list(batch_sizes)}
        if epochs is not None:
            body["epochs"] = epochs
        if repeats is not None:
            body["repeats"] = repeats
        if split is not None:
            body["split"] = split
        return self._transport.call(route, body=body, composed_body=True)

    def _landscape(self, route: str, fields: Mapping[str, Any]) -> "Response":
        body: Dict[str, Any] = {"kind": fields["kind"]}
        if fields.get("objective") is not None:
            body.update(objective_body(fields["objective"], fields.get("dataset"), fields.get("seed")))
        for key in ("from_", "to", "at"):
            if fields.get(key) is not None:
                body[key.rstrip("_")] = point_body(fields[key])
        for key in ("range", "indices"):
            if fields.get(key) is not None:
                body[key] = list(fields[key])
        for key in ("resolution", "directions", "direction_seed", "path_points"):
            if fields.get(key) is not None:
                body[key] = fields[key]
        run = fields.get("experiment")
        if run is not None:
            body["experiment"] = run.id if isinstance(run, Experiment) else run
        return self._transport.call(route, body=body, composed_body=True)
