"""The client's view of the API's JSON: small read-only records that keep every field they were given.

Each record has typed attributes for the documented fields and keeps the whole decoded object in `raw`;
`record["key"]` and `record.get("key")` read any field, including ones the server added after this
client was written. Numbers the API writes as "NaN", "Infinity" or "-Infinity" become floats.
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping as _MappingABC
from dataclasses import MISSING, Field, dataclass, field, fields
from typing import Any, Callable, ClassVar, Dict, Iterator, List, Mapping, Optional, Sequence, Type, TypeVar

FINAL_STATUSES = frozenset({"succeeded", "failed", "diverged", "cancelled", "pruned"})
"""Statuses an experiment does not leave."""

_NON_FINITE = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


def number(value: Any) -> Optional[float]:
    """A float from an API number (None stays None; "NaN", "Infinity", "-Infinity" are parsed)."""
    if value is None:
        return None
    return float(value)


def numbers(values: Optional[Sequence[Any]]) -> Optional[List[float]]:
    """Floats from a list of API numbers (None stays None)."""
    return None if values is None else [float(v) for v in values]


def _numeric_extras(raw: Mapping[str, Any]) -> Dict[str, Any]:
    """`raw` with the non-finite number strings turned into floats (for records that hold numbers only)."""
    return {k: (_NON_FINITE.get(v, v) if isinstance(v, str) else v) for k, v in raw.items()}


def timestamp(value: Optional[str]) -> Optional[_dt.datetime]:
    """An aware datetime from the API's RFC 3339 text (`2026-11-26T22:00:00.010Z`)."""
    if value is None:
        return None
    return _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


class _Record:
    """Item access to every field of the decoded JSON, known or not."""

    raw: Mapping[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]

    def __contains__(self, key: object) -> bool:
        return key in self.raw

    def get(self, key: str, default: Any = None) -> Any:
        """The field `key` of the JSON, or `default`."""
        return self.raw.get(key, default)


_N = TypeVar("_N", bound="_NumberRecord")


class _NumberRecord(_Record):
    """A record of JSON numbers (one row of a trajectory's table): each field but `raw` is the number under its
    own name, in the order declared.

    An `int` or `float` field without a default is required (a missing key raises KeyError); one with a default
    (`Optional[float] = None`) is None when absent. `raw` keeps every field, the non-finite number strings turned
    into floats. `columns()` names the fields, the columns of the record's table (`frames.records_frame`).
    """

    __dataclass_fields__: ClassVar[Dict[str, "Field[Any]"]]

    @classmethod
    def columns(cls) -> List[str]:
        """The record's fields but `raw`, in the order declared."""
        return [f.name for f in fields(cls) if f.name != "raw"]

    @classmethod
    def from_json(cls: Type[_N], obj: Mapping[str, Any]) -> _N:
        """The record from its JSON object."""
        values: Dict[str, Any] = {}
        for f in fields(cls):
            if f.name == "raw":
                continue
            if f.default is not MISSING:
                values[f.name] = number(obj.get(f.name))
            else:
                values[f.name] = int(obj[f.name]) if f.type in ("int", int) else float(obj[f.name])
        make: Callable[..., _N] = cls
        return make(**values, raw=_numeric_extras(obj))


@dataclass(frozen=True)
class Progress(_Record):
    """Steps done out of the budget."""

    steps_done: int
    steps_total: int
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> "Progress":
        return cls(int(obj.get("steps_done", 0)), int(obj.get("steps_total", 0)), obj)


@dataclass(frozen=True)
class Summary(_Record):
    """How a finished run ended. Fields the server adds later (e.g. `best_batch_loss`) are in `raw`."""

    stop_reason: str
    steps_run: int
    final_loss: float
    best_loss: float
    best_step: int
    final_params: List[float]
    final_grad_norm: float
    train_loss: Optional[float] = None
    validation_loss: Optional[float] = None
    validation_accuracy: Optional[float] = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> "Summary":
        raw = _numeric_extras(obj)
        return cls(
            stop_reason=str(obj.get("stop_reason")), steps_run=int(obj.get("steps_run", 0)),
            final_loss=float(obj.get("final_loss", "NaN")), best_loss=float(obj.get("best_loss", "NaN")),
            best_step=int(obj.get("best_step", 0)), final_params=numbers(obj.get("final_params")) or [],
            final_grad_norm=float(obj.get("final_grad_norm", "NaN")), train_loss=number(obj.get("train_loss")),
            validation_loss=number(obj.get("validation_loss")),
            validation_accuracy=number(obj.get("validation_accuracy")), raw=raw)


@dataclass(frozen=True)
class RunError(_Record):
    """Why a run failed (`code`, `message`)."""

    code: str
    message: str
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Experiment(_Record):
    """One experiment: status, timings, its spec and, once finished, its summary."""

    id: str
    status: str
    name: str
    tags: List[str]
    created_at: Optional[_dt.datetime]
    started_at: Optional[_dt.datetime]
    finished_at: Optional[_dt.datetime]
    progress: Progress
    spec: Dict[str, Any]
    summary: Optional[Summary]
    error: Optional[RunError]
    study_id: Optional[str]
    attempts: int
    note: Optional[str] = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def done(self) -> bool:
        """Whether the status is final (succeeded, failed, diverged, cancelled or pruned)."""
        return self.status in FINAL_STATUSES

    @property
    def succeeded(self) -> bool:
        """Whether the run succeeded."""
        return self.status == "succeeded"

    @property
    def duration(self) -> Optional[float]:
        """Seconds from start to finish, once finished."""
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> "Experiment":
        summary = obj.get("summary")
        error = obj.get("error")
        return cls(
            id=str(obj["id"]), status=str(obj["status"]), name=str(obj.get("name", "")),
            tags=list(obj.get("tags") or []), created_at=timestamp(obj.get("created_at")),
            started_at=timestamp(obj.get("started_at")), finished_at=timestamp(obj.get("finished_at")),
            progress=Progress.from_json(obj.get("progress") or {}), spec=dict(obj.get("spec") or {}),
            summary=Summary.from_json(summary) if isinstance(summary, Mapping) else None,
            error=RunError(str(error.get("code")), str(error.get("message")), error) if isinstance(error, Mapping) else None,
            study_id=obj.get("study_id"), attempts=int(obj.get("attempts", 0)), note=obj.get("note"), raw=obj)


@dataclass(frozen=True)
class BatchItem(_Record):
    """One experiment of a batch submission: its id and status when the answer was written."""

    id: str
    status: str
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> "BatchItem":
        return cls(str(obj["id"]), str(obj["status"]), obj)


@dataclass(frozen=True)
class StudyRow(_Record):
    """One experiment of a study, labelled by what distinguishes it (`sgd lr=0.019`)."""

    id: str
    label: str
    status: str
    final_loss: Optional[float] = None
    best_loss: Optional[float] = None
    steps_run: Optional[int] = None
    steps_to_target: Optional[int] = None
    duration_ms: Optional[float] = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> "StudyRow":
        return cls(id=str(obj["id"]), label=str(obj.get("label", "")), status=str(obj.get("status", "")),
                   final_loss=number(obj.get("final_loss")), best_loss=number(obj.get("best_loss")),
                   steps_run=obj.get("steps_run"), steps_to_target=obj.get("steps_to_target"),
                   duration_ms=number(obj.get("duration_ms")), raw=_numeric_extras(obj))


@dataclass(frozen=True)
class Study(_Record):
    """Experiments run side by side; `table()` / `to_frame()` give the results table."""

    id: str
    name: str
    status: str
    created_at: Optional[_dt.datetime]
    loss_target: Optional[float]
    experiments: List[StudyRow]
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def ids(self) -> List[str]:
        """The experiments' ids, in the study's order."""
        return [row.id for row in self.experiments]

    @property
    def done(self) -> bool:
        """Whether every experiment is final (status `finished`)."""
        return self.status == "finished"

    def table(self) -> List[Dict[str, Any]]:
        """The results table: one dict per experiment (id, label, status, final_loss, best_loss, steps_run,
        steps_to_target, duration_ms and any column the server adds), non-finite numbers as floats."""
        return [dict(row.raw) for row in self.experiments]

    def to_frame(self) -> Any:
        """The results table as a pandas DataFrame indexed by label (needs pandas)."""
        from .frames import study_frame
        return study_frame(self)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> "Study":
        return cls(id=str(obj["id"]), name=str(obj.get("name", "")), status=str(obj.get("status", "")),
                   created_at=timestamp(obj.get("created_at")), loss_target=number(obj.get("loss_target")),
                   experiments=[StudyRow.from_json(r) for r in obj.get("experiments") or []], raw=obj)


@dataclass(frozen=True)
class Preset(_Record):
    """A lecture comparison ready to run: `kind` is `experiment` or `study`, `body` what it submits."""

    name: str
    title: str
    description: str
    kind: str
    body: Dict[str, Any]
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> "Preset":
        return cls(str(obj["name"]), str(obj.get("title", "")), str(obj.get("description", "")),
                   str(obj.get("kind", "")), dict(obj.get("body") or {}), obj)


@dataclass(frozen=True)
class CriticalPoint(_Record):
    """Gradient, Hessian spectrum and classification of a point.

    `kind` is the server's word (`local_minimum`, `local_maximum`, `saddle`, `degenerate`, and whatever it
    adds). `predicted_change` is the second-order change of the loss along the escape direction
    (½·λ·‖u‖², negative downhill), read from `predicted_change` or the older `predicted_decrease`.
    """

    value: float
    gradient: List[float]
    gradient_norm: float
    is_critical: bool
    eigenvalues: List[float]
    eigenvectors: List[List[float]]
    kind: str
    hessian: Optional[List[List[float]]] = None
    escape_direction: Optional[List[float]] = None
    escape_eigenvalue: Optional[float] = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def predicted_change(self) -> Optional[float]:
        """½·λ·‖u‖² along the escape direction, None when there is none."""
        value = self.raw.get("predicted_change", self.raw.get("predicted_decrease"))
        return number(value)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> "CriticalPoint":
        hessian = obj.get("hessian")
        return cls(
            value=float(obj["value"]), gradient=numbers(obj.get("gradient")) or [],
            gradient_norm=float(obj.get("gradient_norm", "NaN")), is_critical=bool(obj.get("is_critical")),
            eigenvalues=numbers(obj.get("eigenvalues")) or [],
            eigenvectors=[numbers(v) or [] for v in obj.get("eigenvectors") or []], kind=str(obj.get("kind")),
            hessian=[numbers(r) or [] for r in hessian] if hessian is not None else None,
            escape_direction=numbers(obj.get("escape_direction")),
            escape_eigenvalue=number(obj.get("escape_eigenvalue")), raw=_numeric_extras(obj))


@dataclass(frozen=True)
class Surface(_Record):
    """Loss values on a grid: `values[j][i]` is the loss at (`xs[i]`, `ys[j]`)."""

    xs: List[float]
    ys: List[float]
    values: List[List[float]]
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> "Surface":
        return cls(numbers(obj["xs"]) or [], numbers(obj["ys"]) or [],
                   [numbers(row) or [] for row in obj["values"]], obj)


@dataclass(frozen=True)
class Landscape(_Record):
    """A loss landscape (`POST /v1/analysis/landscape`).

    `line`: `alphas` and `values` (the loss at (1 − α)·from + α·to). `plane` and `pca`: `grid`. `pca`: the
    path's `path_xs`, `path_ys` on the plane and each direction's `explained_variance`. Everything else
    (`eigenvalues`, `indices`, the points' sources, the path's steps) is in `raw`.
    """

    kind: str
    dimension: int
    alphas: Optional[List[float]]
    values: Optional[List[float]]
    grid: Optional[Surface]
    path_xs: Optional[List[float]]
    path_ys: Optional[List[float]]
    explained_variance: Optional[List[float]]
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> "Landscape":
        line, path = obj.get("line") or {}, obj.get("path") or {}
        grid = Surface.from_json(obj["grid"]) if obj.get("grid") is not None else None
        return cls(obj["kind"], int(obj["dimension"]), numbers(line.get("alphas")), numbers(line.get("values")), grid,
                   numbers(path.get("xs")), numbers(path.get("ys")), numbers(obj.get("explained_variance")), obj)


@dataclass(frozen=True)
class Spectrum(_Record):
    """The Hessian spectrum at one point of a run (`POST /v1/experiments/{id}/analysis`).

    The headline figures are fields; the eigenvectors, the trace's method and probes, and the density
    (`nodes`, `weights`, `grid`, `density`, `moments`) are in `raw["spectrum"]`.
    """

    experiment_id: str
    step: int
    final: bool
    method: str
    top_eigenvalues: List[float]
    bottom_eigenvalues: List[float]
    trace: float
    trace_standard_error: Optional[float] = None
    negative_fraction: Optional[float] = None
    condition_number: Optional[float] = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> "Spectrum":
        s = obj["spectrum"]
        return cls(str(obj["experiment_id"]), int(obj["step"]), bool(obj["final"]), str(s["method"]),
                   numbers(s["top_eigenvalues"]) or [], numbers(s["bottom_eigenvalues"]) or [],
                   float(s["trace"]["value"]), number(s["trace"].get("standard_error")),
                   number(s.get("negative_fraction")), number(s.get("condition_number")), obj)


@dataclass(frozen=True)
class EpochRecord(_NumberRecord):
    """Losses at the end of one epoch (dataset runs)."""

    epoch: int
    step: int
    train_loss: float
    validation_loss: Optional[float] = None
    validation_accuracy: Optional[float] = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class SharpnessRecord(_NumberRecord):
    """λmax of the full training loss at one step (`"analysis": {"sharpness_every": k}`), with the learning rate
    then (edge of stability: λmax against 2/lr) and the alignment |cos| of the gradient with the top eigenvector."""

    step: int
    lr: float
    lambda_max: float
    alignment: float
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class LayerStatsRecord(_NumberRecord):
    """One hidden layer's pre-activation mean and std over the training set at one evaluation
    (`"analysis": {"layer_stats": True}`); with batch norm also those of γx̂ + β, the activation's input."""

    step: int
    layer: int
    mean: float
    std: float
    normalized_mean: Optional[float] = None
    normalized_std: Optional[float] = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Event(_Record):
    """One event of an experiment's stream.

    `kind` is `status` (`data["status"]`), `progress` (`data["steps_done"]`, `data["step"]`, `data["loss"]`)
    or `end` (then `experiment` is the final experiment); other kinds are passed on as they come.
    """

    kind: str
    experiment_id: str
    data: Mapping[str, Any]
    experiment: Optional[Experiment] = None

    @property
    def raw(self) -> Mapping[str, Any]:  # type: ignore[override]
        return self.data


_SCALAR_COLUMNS = ("step", "epoch", "lr", "loss", "grad_norm")


class Trajectory(_MappingABC):  # type: ignore[type-arg]
    """A recorded trajectory as a mapping of equal-length columns.

    Columns: `step`, `epoch`, `lr`, `loss`, `grad_norm` (those requested) and `p0` … `p{n-1}` for the
    parameters, as in the CSV export, so `pandas.DataFrame(trajectory)` works as is, then, for runs with
    `record_internals`, one column per optimizer internal under its name (`m[0]`, `v[0]`, …, `update_norm`,
    `effective_lr`). Numbers are floats (non-finite ones too); `step` and `epoch` are ints.

    Attributes:
        id, status: the experiment's.
        dimension: number of parameters.
        total: rows stored; `count`: rows returned; `downsampled`: whether `max_points` thinned them.
        params: the parameter rows (`[[p0, p1, …], …]`), None when not requested or not recorded.
        internal_names: the names of the optimizer internals' columns (empty without `record_internals`).
        epochs: one `EpochRecord` per finished epoch (dataset runs).
        sharpness: one `SharpnessRecord` per λmax evaluation (`analysis.sharpness_every`; empty otherwise).
        layer_stats: one `LayerStatsRecord` per hidden layer and evaluation (`analysis.layer_stats`; empty otherwise).
        raw: the decoded JSON, with any field the server adds.
    """

    def __init__(self, obj: Mapping[str, Any]) -> None:
        self.raw: Mapping[str, Any] = obj
        self.id: str = str(obj.get("id", ""))
        self.status: str = str(obj.get("status", ""))
        self.dimension: int = int(obj.get("dimension", 0))
        self.total: int = int(obj.get("total", 0))
        self.count: int = int(obj.get("count", 0))
        self.downsampled: bool = bool(obj.get("downsampled", False))
        self.epochs: List[EpochRecord] = [EpochRecord.from_json(e) for e in obj.get("epochs") or []]
        self.sharpness: List[SharpnessRecord] = [SharpnessRecord.from_json(r) for r in obj.get("sharpness") or []]
        self.layer_stats: List[LayerStatsRecord] = [LayerStatsRecord.from_json(r) for r in obj.get("layer_stats") or []]
        columns: Dict[str, List[Any]] = {}
        for name in _SCALAR_COLUMNS:
            values = obj.get(name)
            if values is None:
                continue
            columns[name] = list(values) if name in ("step", "epoch") else [float(v) for v in values]
        params = obj.get("params")
        self.params: Optional[List[List[float]]] = None
        if params is not None:
            self.params = [[float(v) for v in row] for row in params]
            for i in range(self.dimension):
                columns[f"p{i}"] = [row[i] for row in self.params]
        self.internal_names: List[str] = [str(n) for n in obj.get("internal_names") or []]
        internals = obj.get("internals")
        if internals is not None:
            for j, name in enumerate(self.internal_names):
                columns[name] = [float(row[j]) for row in internals]
        self._columns = columns

    def __getitem__(self, key: str) -> List[Any]:
        return self._columns[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def __repr__(self) -> str:
        return (f"Trajectory(id={self.id!r}, status={self.status!r}, count={self.count}, total={self.total}, "
                f"columns={list(self._columns)})")

    def to_frame(self) -> Any:
        """The columns as a pandas DataFrame (needs pandas)."""
        from .frames import trajectory_frame
        return trajectory_frame(self)

    def epochs_frame(self) -> Any:
        """The epoch records as a pandas DataFrame (needs pandas)."""
        from .frames import epochs_frame
        return epochs_frame(self)

    def sharpness_frame(self) -> Any:
        """The sharpness records as a pandas DataFrame: step, lr, lambda_max, alignment (needs pandas)."""
        from .frames import sharpness_frame
        return sharpness_frame(self)

    def layer_stats_frame(self) -> Any:
        """The layer statistics as a pandas DataFrame, one row per evaluation step and columns as in the CSV export:
        layer{l}_mean, layer{l}_std and, with batch norm, layer{l}_normalized_mean/std (needs pandas)."""
        from .frames import layer_stats_frame
        return layer_stats_frame(self)
