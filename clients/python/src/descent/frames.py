"""pandas conversions (optional: `pip install './clients/python[pandas]'`)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Study, Trajectory


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


def epochs_frame(trajectory: "Trajectory") -> Any:
    """One row per epoch: epoch, step, train_loss, validation_loss, validation_accuracy."""
    pd = require_pandas()
    columns = ["epoch", "step", "train_loss", "validation_loss", "validation_accuracy"]
    return pd.DataFrame([{c: getattr(e, c) for c in columns} for e in trajectory.epochs], columns=columns)


def study_frame(study: "Study") -> Any:
    """The study's results table, one row per experiment, indexed by label."""
    pd = require_pandas()
    frame = pd.DataFrame(study.table())
    return frame.set_index("label") if "label" in frame.columns else frame
