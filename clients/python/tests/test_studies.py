"""Studies and presets: grids, lists, the results table, the lecture's comparisons."""
from __future__ import annotations

import json

import pytest

import descent
from helpers import saddle_spec


def test_grid_study_runs_the_cartesian_product_with_labels(client: descent.Client) -> None:
    study = client.study(name="grid", base=saddle_spec(), grid={"optimizer.lr": [0.05, 0.1], "seed": [1, 2]})
    assert len(study.experiments) == 4
    labels = [row.label for row in study.experiments]
    assert len(set(labels)) == 4 and "0.05" in labels[0] and "seed=1" in labels[0]
    finished = client.wait(study, timeout=60)
    table = finished.table()
    assert [row["status"] for row in table] == ["succeeded"] * 4
    assert all(row["final_loss"] < 1e-10 for row in table)


def test_list_study_from_a_request_file(client: descent.Client, tmp_path) -> None:
    path = tmp_path / "study.json"
    path.write_text(json.dumps({"name": "two starts", "experiments": [saddle_spec(name="escape"),
                                                                      saddle_spec(name="stay", start=[0, 0])]}))
    study = client.wait(client.study(path), timeout=60)
    assert study.name == "two starts" and [r.label for r in study.experiments] == ["escape", "stay"]
    stay = client.get(study.experiments[1])
    assert stay.summary is not None and stay.summary.final_params == [0.0, 0.0]


def test_loss_target_fills_steps_to_target(client: descent.Client) -> None:
    study = client.wait(client.study(experiments=[saddle_spec()], loss_target=0.5), timeout=60)
    assert study.loss_target == 0.5
    steps = study.experiments[0].steps_to_target
    assert steps is not None and 0 < steps < 300


def test_invalid_study_raises_with_the_member_path(client: descent.Client) -> None:
    with pytest.raises(descent.APIError) as caught:
        client.study(experiments=[saddle_spec(steps=0)])
    assert caught.value.status == 422 and "steps" in (caught.value.field or "")


def test_presets_include_the_lecture_comparison_of_sgd_momentum_and_adam(client: descent.Client) -> None:
    presets = {p.name: p for p in client.presets()}
    assert presets["momentum"].kind == "study"
    assert "grid" in presets["momentum"].body


def test_momentum_preset_runs_three_optimizers_and_momentum_beats_sgd(client: descent.Client) -> None:
    study = client.run_preset("momentum")
    assert isinstance(study, descent.Study)
    finished = client.wait(study, timeout=60)
    losses = {row.label.split()[0]: row.final_loss for row in finished.experiments}
    assert set(losses) == {"sgd", "momentum_lecture", "adam"}
    assert losses["momentum_lecture"] < losses["sgd"]


def test_single_experiment_preset_returns_an_experiment(client: descent.Client) -> None:
    assert isinstance(client.run_preset("warmup"), descent.Experiment)


def test_study_table_as_frame_is_indexed_by_label(client: descent.Client) -> None:
    study = client.wait(client.run_preset("momentum"), timeout=60)
    frame = study.to_frame()
    assert list(frame.index) == [r.label for r in study.experiments]
    assert frame.loc["sgd lr=0.019", "final_loss"] == study.experiments[0].final_loss
