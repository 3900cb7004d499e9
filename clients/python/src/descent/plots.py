"""The dashboard's two most used charts with matplotlib (optional: `pip install './clients/python[plot]'`).

`plot_loss` is the comparison page's "loss vs step" (log scale, one line per run, labelled as in the
study); `plot_path` is the experiment page's "parameter path over contours" (14 contour levels spaced
logarithmically between the grid's lowest and highest loss, start ○ and end ● of each path, and for
one run the end point and the origin classified by the Hessian).
"""
from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Sequence, Tuple

from .models import BatchItem, Experiment, StudyRow, Study

if TYPE_CHECKING:
    from .client import Client

COLORS = ["#1f5fbf", "#c0392b", "#1e8449", "#8e44ad", "#b9770e", "#117a8b", "#5d6d7e", "#a93266"]
"""The dashboard's series colours, in order."""


def require_pyplot() -> Any:
    """matplotlib.pyplot, or an ImportError that says how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError("plots need matplotlib: pip install './clients/python[plot]' (or pip install matplotlib)") from error
    return plt


def _runs(client: "Client", targets: Any) -> List[Tuple[Experiment, str]]:
    """The experiments to draw with their legend labels: a study's labels, else the experiments' names
    (with the id added where names repeat)."""
    labels: Dict[str, str] = {}
    if isinstance(targets, Study):
        items: List[Any] = list(targets.experiments)
    elif isinstance(targets, (str, Experiment, BatchItem, StudyRow)):
        items = [targets]
    else:
        items = list(targets)
    if not items:
        raise ValueError("nothing to plot: no experiments given")
    experiments = []
    for item in items:
        if isinstance(item, StudyRow):
            labels[item.id] = item.label
        experiments.append(item if isinstance(item, Experiment) else client.get(item))
    names = [labels.get(x.id) or x.name or x.id for x in experiments]
    repeated = {n for n in names if names.count(n) > 1}
    return [(x, f"{n} ({x.id})" if n in repeated else n) for x, n in zip(experiments, names)]


def plot_loss(client: "Client", targets: Any, *, ax: Any = None, log: bool = True, max_points: int = 800,
              title: str = "loss vs step") -> Any:
    """Loss vs step, one line per experiment.

    Args:
        targets: a `Study`, an experiment (id or record) or several.
        ax: the matplotlib Axes to draw on (default: a new figure's).
        log: logarithmic loss axis (default True; points ≤ 0 are left out by matplotlib).
        max_points: rows per run, downsampled by the server (default 800, as the dashboard).
    Returns:
        The Axes (`ax.figure.savefig("loss.png")` saves it).
    """
    plt = require_pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    for i, (experiment, label) in enumerate(_runs(client, targets)):
        t = client.trajectory(experiment, fields="loss", max_points=max_points)
        ax.plot(t["step"], t["loss"], label=label, linewidth=1.6, color=COLORS[i % len(COLORS)])
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    return ax


def padded_range(values: Iterable[float], pad: float) -> Tuple[float, float]:
    """The values' extent widened by `pad` of its width on each side, at least 0.5 (the dashboard's rule);
    (-2, 2) when no value is finite."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return (-2.0, 2.0)
    lo, hi = min(finite), max(finite)
    p = max((hi - lo) * pad, 0.5)
    return (lo - p, hi + p)


def contour_levels(values: Sequence[Sequence[float]], count: int = 14) -> List[float]:
    """`count` levels lo + (hi − lo)·10^(−3 + 3t)·0.98, t = 0 … 1: dense near the minimum, as on the dashboard."""
    flat = [v for row in values for v in row if math.isfinite(v)]
    if not flat:
        return []
    lo, hi = min(flat), max(flat)
    if hi <= lo:
        return []
    levels = [lo + (hi - lo) * 10 ** (-3 + 3 * k / (count - 1)) * 0.98 for k in range(count)]
    return sorted(set(levels))


def plot_path(client: "Client", targets: Any, *, ax: Any = None, max_points: int = 1500, resolution: int = 81,
              levels: int = 14, classify: Optional[bool] = None) -> Any:
    """The parameter path(s) over the loss surface's contours.

    Args:
        targets: one experiment (id or record), several, or a `Study`; all must have 2 parameters, recorded
            parameters (`record_params`, the default) and the same objective and dataset.
        ax: the matplotlib Axes to draw on (default: a new figure's).
        max_points: rows per path, downsampled by the server (default 1500, as the dashboard).
        resolution: grid points per axis for the contours (default 81).
        levels: number of contour levels (default 14).
        classify: mark the end point and the origin (when in view) with their classification from
            `POST /v1/analysis/critical-point` (default: when one experiment is drawn).
    Returns:
        The Axes.
    Raises:
        ValueError: an experiment has not 2 parameters, no recorded parameters, or another objective.
    """
    plt = require_pyplot()
    runs = _runs(client, targets)
    paths = []
    for experiment, label in runs:
        t = client.trajectory(experiment, fields="params", max_points=max_points)
        if t.dimension != 2 or not t.params:
            raise ValueError(f"plot_path needs 2 recorded parameters; {experiment.id} has dimension {t.dimension}"
                             + ("" if t.params else " and no recorded parameters"))
        paths.append((label, t["p0"], t["p1"]))
    first = runs[0][0]
    problem = {k: first.spec.get(k) for k in ("objective", "dataset")}
    for experiment, _ in runs[1:]:
        if json.dumps({k: experiment.spec.get(k) for k in problem}, sort_keys=True) != json.dumps(problem, sort_keys=True):
            raise ValueError(f"plot_path draws paths on one surface: {experiment.id} has another objective or "
                             f"dataset than {first.id}")
    pad = 0.15 if len(paths) == 1 else 0.1
    x_range = padded_range([v for _, xs, _ in paths for v in xs], pad)
    y_range = padded_range([v for _, _, ys in paths for v in ys], pad)
    grid = client.analysis.surface(first, x_range=x_range, y_range=y_range, resolution=resolution)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 5.2))
    steps = contour_levels(grid.values, levels)
    if steps:
        n = max(len(steps) - 1, 1)
        colors = [((22 + 98 * k / n) / 255, (50 + 130 * k / n) / 255, (110 + 60 * k / n) / 255) for k in range(len(steps))]
        ax.contour(grid.xs, grid.ys, grid.values, levels=steps, colors=colors, linewidths=1)
    for i, (label, xs, ys) in enumerate(paths):
        color = COLORS[i % len(COLORS)]
        ax.plot(xs, ys, label=label, linewidth=2, color=color)
        finite = [(x, y) for x, y in zip(xs, ys) if math.isfinite(x) and math.isfinite(y)]
        if finite:  # start ○, end ●
            ax.plot(*finite[0], "o", color=color, markerfacecolor="white", markeredgewidth=2, markersize=7)
            ax.plot(*finite[-1], "o", color=color, markersize=7)
    if classify if classify is not None else len(paths) == 1:
        _mark_critical_points(client, ax, first, paths[0], x_range, y_range)
    ax.set_xlim(*x_range)
    ax.set_ylim(*y_range)
    ax.set_xlabel("w1")
    ax.set_ylabel("w2")
    ax.set_title("parameter path over contours" if len(paths) == 1 else "parameter paths")
    ax.legend()
    return ax


def _mark_critical_points(client: "Client", ax: Any, experiment: Experiment, path: Tuple[str, List[float], List[float]],
                          x_range: Tuple[float, float], y_range: Tuple[float, float]) -> None:
    _, xs, ys = path
    candidates = [(xs[-1], ys[-1], "end"), (0.0, 0.0, "origin")] if xs else [(0.0, 0.0, "origin")]
    for x, y, name in candidates:
        if not (math.isfinite(x) and math.isfinite(y) and x_range[0] <= x <= x_range[1] and y_range[0] <= y <= y_range[1]):
            continue
        report = client.analysis.critical_point(experiment, [x, y])
        text = report.kind.replace("_", " ") if report.is_critical else f"‖g‖={report.gradient_norm:.3g}"
        ax.plot([x], [y], "x", color="black", markersize=9, markeredgewidth=2)
        ax.annotate(f"{name}: {text}", (x, y), textcoords="offset points", xytext=(8, 6), fontsize=9)
