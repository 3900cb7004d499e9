"""pandas conversions (optional: `pip install './clients/python[pandas]'`)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Sequence, Type

if TYPE_CHECKING:
    from .models import Study, Trajectory, _NumberRecord


def require_pandas() -> Any:
    """The pandas module, or an ImportError that says how to install it."""
    try:
        import pandas  # type: ignore[import-untyped, unused-ignore]
    except ImportError as error:
        raise ImportError("this needs pandas: pip install './clients/python[pandas]' (or pip install pandas)") from error
    return pandas


def trajectory_frame(trajectory: "Trajectory") -> Any:
    """One row per recorded step; columns as in the CSV export (step, epoch, lr, loss, grad_norm, p0, …)."""
    pd = require_pandas()
    return pd.DataFrame({name: trajectory[name] for name in trajectory})


def records_frame(records: Sequence["_NumberRecord"], record_type: Type["_NumberRecord"]) -> Any:
    """One row per record; the columns are the record type's fields (`record_type.columns()`), even with no rows."""
    pd = require_pandas()
    columns = record_type.columns()
    return pd.DataFrame([{c: getattr(r, c) for c in columns} for r in records], columns=columns)


def epochs_frame(trajectory: "Trajectory") -> Any:
    """One row per epoch: epoch, step, train_loss, validation_loss, validation_accuracy."""
    from .models import EpochRecord
    return records_frame(trajectory.epochs, EpochRecord)


def sharpness_frame(trajectory: "Trajectory") -> Any:
    """One row per sharpness record: step, lr, lambda_max, alignment."""
    from .models import SharpnessRecord
    return records_frame(trajectory.sharpness, SharpnessRecord)


def layer_stats_frame(trajectory: "Trajectory") -> Any:
    """One row per evaluation step, indexed by step; per hidden layer l the columns layer{l}_mean, layer{l}_std and,
    with batch norm, layer{l}_normalized_mean, layer{l}_normalized_std (the names of the CSV export)."""
    pd = require_pandas()
    rows: Dict[int, Dict[str, Any]] = {}
    for r in trajectory.layer_stats:
        row = rows.setdefault(r.step, {})
        row[f"layer{r.layer}_mean"] = r.mean
        row[f"layer{r.layer}_std"] = r.std
        if r.normalized_mean is not None:
            row[f"layer{r.layer}_normalized_mean"] = r.normalized_mean
            row[f"layer{r.layer}_normalized_std"] = r.normalized_std
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "step"
    return frame


def study_frame(study: "Study") -> Any:
    """The study's results table, one row per experiment, indexed by label."""
    pd = require_pandas()
    frame = pd.DataFrame(study.table())
    return frame.set_index("label") if "label" in frame.columns else frame
