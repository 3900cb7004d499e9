"""Decoding the API's JSON: non-finite numbers, fields added later, trajectories as columns."""
from __future__ import annotations

import math

import pytest

from descent import CriticalPoint, Experiment, Study, Trajectory

FINISHED = {
    "id": "exp_1", "status": "diverged", "name": "n", "tags": ["t"], "created_at": "2026-11-26T22:00:00.000Z",
    "started_at": "2026-11-26T22:00:00.010Z", "finished_at": "2026-11-26T22:00:00.510Z",
    "progress": {"steps_done": 3, "steps_total": 10}, "spec": {"objective": {"type": "quadratic"}},
    "summary": {"stop_reason": "diverged", "steps_run": 3, "final_loss": "Infinity", "best_loss": 1.5, "best_step": 0,
                "final_params": ["NaN", "-Infinity"], "final_grad_norm": "NaN", "train_loss": None,
                "validation_loss": None, "validation_accuracy": None, "best_batch_loss": "NaN"},
    "error": None, "study_id": None, "attempts": 1, "added_later": {"x": 1},
}


def test_summary_turns_non_finite_strings_into_floats() -> None:
    summary = Experiment.from_json(FINISHED).summary
    assert summary is not None
    assert summary.final_loss == math.inf
    assert math.isnan(summary.final_params[0]) and summary.final_params[1] == -math.inf
    assert math.isnan(summary.final_grad_norm)


def test_fields_added_by_the_server_are_readable_by_key() -> None:
    experiment = Experiment.from_json(FINISHED)
    assert experiment["added_later"] == {"x": 1}
    assert experiment.summary is not None and math.isnan(experiment.summary["best_batch_loss"])
    assert experiment.get("absent", 7) == 7


def test_experiment_duration_is_finish_minus_start_in_seconds() -> None:
    experiment = Experiment.from_json(FINISHED)
    assert experiment.done and not experiment.succeeded
    assert experiment.duration is not None and abs(experiment.duration - 0.5) < 1e-9


def test_critical_point_reads_either_name_of_the_predicted_change() -> None:
    base = {"value": 1, "gradient": [0, 0], "gradient_norm": 0, "is_critical": True, "eigenvalues": [-2, 2],
            "eigenvectors": [[1, 0], [0, 1]], "kind": "not_critical"}
    assert CriticalPoint.from_json({**base, "predicted_decrease": -1}).predicted_change == -1.0
    assert CriticalPoint.from_json({**base, "predicted_change": -0.5}).predicted_change == -0.5
    assert CriticalPoint.from_json(base).predicted_change is None
    assert CriticalPoint.from_json(base).kind == "not_critical"


def test_trajectory_columns_follow_the_csv_header_with_params_split() -> None:
    t = Trajectory({"id": "exp_1", "status": "running", "dimension": 2, "total": 9, "count": 2, "step": [0, 1],
                    "epoch": [0, 0], "lr": [0.1, 0.1], "loss": [1, "NaN"], "grad_norm": [2, "Infinity"],
                    "params": [[1, 2], [3, "-Infinity"]], "epochs": [], "downsampled": False})
    assert list(t) == ["step", "epoch", "lr", "loss", "grad_norm", "p0", "p1"]
    assert t["p0"] == [1.0, 3.0] and t["p1"] == [2.0, -math.inf]
    assert t["loss"][0] == 1.0 and isinstance(t["loss"][0], float) and math.isnan(t["loss"][1])
    assert t.params == [[1.0, 2.0], [3.0, -math.inf]]


def test_trajectory_internals_become_columns_by_name_after_the_parameters() -> None:
    t = Trajectory({"id": "exp_1", "status": "succeeded", "dimension": 1, "total": 2, "count": 2, "step": [0, 1],
                    "loss": [1, 0.5], "params": [[1], [0.9]], "internal_names": ["m[0]", "update_norm"],
                    "internals": [[0, 0], [0.2, "NaN"]], "epochs": [], "downsampled": False})
    assert list(t) == ["step", "loss", "p0", "m[0]", "update_norm"]
    assert t["m[0]"] == [0.0, 0.2] and math.isnan(t["update_norm"][1])
    assert t.internal_names == ["m[0]", "update_norm"]


def test_trajectory_without_params_has_no_parameter_columns() -> None:
    t = Trajectory({"id": "e", "status": "succeeded", "dimension": 2, "total": 1, "count": 1, "step": [0],
                    "loss": [0.5], "epochs": [], "downsampled": False})
    assert dict(t) == {"step": [0], "loss": [0.5]}
    assert t.params is None


def test_study_table_keeps_every_column() -> None:
    study = Study.from_json({"id": "std_1", "name": "s", "status": "finished", "created_at": "2026-11-26T22:00:00Z",
                             "loss_target": None, "experiments": [
                                 {"id": "exp_1", "label": "sgd lr=0.1", "status": "succeeded", "final_loss": "NaN",
                                  "best_loss": 0.1, "steps_run": 5, "steps_to_target": None, "duration_ms": 1.0,
                                  "new_column": 3}]})
    row = study.table()[0]
    assert row["label"] == "sgd lr=0.1" and row["new_column"] == 3 and math.isnan(row["final_loss"])
    assert study.ids == ["exp_1"] and study.done


def test_trajectory_reads_sharpness_and_layer_stats_records() -> None:
    t = Trajectory({"id": "e", "status": "succeeded", "dimension": 2, "total": 2, "count": 2, "step": [0, 3],
                    "loss": [0.5, 0.25], "epochs": [], "downsampled": False,
                    "sharpness": [{"step": 0, "lr": 0.3, "lambda_max": 4.5, "alignment": "NaN"}],
                    "layer_stats": [{"step": 0, "layer": 0, "mean": -0.125, "std": 1.5},
                                    {"step": 0, "layer": 1, "mean": 2, "std": 3, "normalized_mean": 0.5,
                                     "normalized_std": 0.75}]})
    # The records are not columns: the mapping keeps one value per row.
    assert list(t) == ["step", "loss"]
    (s,) = t.sharpness
    assert (s.step, s.lr, s.lambda_max) == (0, 0.3, 4.5) and math.isnan(s.alignment)
    first, second = t.layer_stats
    assert (first.layer, first.mean, first.std, first.normalized_mean) == (0, -0.125, 1.5, None)
    assert (second.layer, second.normalized_mean, second.normalized_std) == (1, 0.5, 0.75)
    assert second["mean"] == 2


def test_trajectory_without_records_has_empty_record_lists() -> None:
    t = Trajectory({"id": "e", "status": "succeeded", "dimension": 1, "total": 1, "count": 1, "step": [0],
                    "epochs": [], "downsampled": False})
    assert t.sharpness == [] and t.layer_stats == []


def test_layer_stats_frame_has_the_csv_column_names() -> None:
    pytest.importorskip("pandas")
    t = Trajectory({"id": "e", "status": "succeeded", "dimension": 1, "total": 1, "count": 1, "step": [0],
                    "epochs": [], "downsampled": False,
                    "sharpness": [{"step": 0, "lr": 0.1, "lambda_max": 2, "alignment": 0.5},
                                  {"step": 5, "lr": 0.1, "lambda_max": 3, "alignment": 0.25}],
                    "layer_stats": [{"step": 0, "layer": 0, "mean": 1, "std": 2},
                                    {"step": 4, "layer": 0, "mean": 3, "std": 4}]})
    frame = t.layer_stats_frame()
    assert list(frame.columns) == ["layer0_mean", "layer0_std"] and list(frame.index) == [0, 4]
    assert frame.loc[4, "layer0_std"] == 4
    sharp = t.sharpness_frame()
    assert list(sharp.columns) == ["step", "lr", "lambda_max", "alignment"] and list(sharp["lambda_max"]) == [2, 3]
