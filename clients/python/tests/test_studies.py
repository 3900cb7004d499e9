"""Studies and presets: grids, lists, the results table, the lecture's comparisons."""
from __future__ import annotations

import json
import uuid

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
    names = [spec["name"] for spec in presets["momentum"].body["experiments"]]
    assert any(name.startswith("plain gradient descent") for name in names)
    assert any(name.startswith("Adam") for name in names)


def test_momentum_preset_runs_three_optimizers_and_momentum_beats_sgd(client: descent.Client) -> None:
    study = client.run_preset("momentum")
    assert isinstance(study, descent.Study)
    finished = client.wait(study, timeout=60)
    losses = {row.label.split(",")[0]: row.final_loss for row in finished.experiments}
    assert set(losses) == {"plain gradient descent", "momentum", "Adam"}
    # Both momentum runs (lecture and PyTorch forms) share the label's first part; any beats plain descent.
    momentum = [row.final_loss for row in finished.experiments if row.label.startswith("momentum")]
    assert len(momentum) == 2 and max(momentum) < losses["plain gradient descent"]


def test_study_preset_returns_a_study_with_a_run_per_experiment(client: descent.Client) -> None:
    preset = {p.name: p for p in client.presets()}["saddle-escape"]
    study = client.run_preset("saddle-escape")
    assert isinstance(study, descent.Study)
    assert len(study.experiments) == len(preset.body["experiments"])


def test_study_table_as_frame_is_indexed_by_label(client: descent.Client) -> None:
    study = client.wait(client.run_preset("momentum"), timeout=60)
    frame = study.to_frame()
    assert list(frame.index) == [r.label for r in study.experiments]
    first = study.experiments[0]
    assert frame.loc[first.label, "final_loss"] == first.final_loss


def test_studies_lists_newest_first_filtered_by_name(client: descent.Client) -> None:
    name = f"s{uuid.uuid4().hex[:12]}"
    first = client.study(name=name, experiments=[saddle_spec()])
    second = client.study(name=name.upper(), experiments=[saddle_spec()])
    listed = list(client.studies(name=name, page_size=1))
    assert [s["id"] for s in listed] == [second.id, first.id]
    assert all(s["kind"] == "list" and s["experiments"] == 1 for s in listed)


def test_study_trials_csv_has_a_header_and_one_row_per_trial(client: descent.Client) -> None:
    study = client.study({"base": saddle_spec(), "search": {
        "space": {"optimizer.lr": {"type": "uniform", "low": 0.01, "high": 0.1}}, "sampler": "random", "trials": 2, "seed": 1}})
    client.wait(study, timeout=60)
    lines = client.study_trials_csv(study).splitlines()
    assert lines[0] == "trial,state,value,optimizer.lr,experiments,diverged,final_loss,best_loss,steps_run"
    assert [line.split(",")[0] for line in lines[1:]] == ["0", "1"]


def test_trial_curves_span_the_replicates_of_a_trial(client: descent.Client) -> None:
    study = client.study({"base": saddle_spec(steps=40), "replicates": 2, "search": {
        "space": {"optimizer.lr": {"type": "uniform", "low": 0.01, "high": 0.1}}, "sampler": "random", "trials": 1, "seed": 1}})
    client.wait(study, timeout=60)
    curves = client.trial_curves(study, 0, max_points=5)["curves"]
    assert curves["runs"] == 2 and curves["step"] == [0, 10, 20, 30, 40]
    assert all(lo <= m <= hi for lo, m, hi in zip(curves["loss_min"], curves["loss_mean"], curves["loss_max"]))


def test_leaderboard_ranks_each_tuned_optimizer(client: descent.Client) -> None:
    problem = {k: v for k, v in saddle_spec(steps=40).items() if k != "optimizer"}
    study = client.study({"compare": {"optimizers": [{"type": "sgd"}, {"type": "adam"}], "problems": [problem]},
                          "search": {"space": {"optimizer.lr": {"type": "log_uniform", "low": 0.01, "high": 0.1}},
                                     "sampler": "random", "trials": 2, "seed": 1}, "confirm": 2})
    client.wait(study, timeout=60)
    board = client.leaderboard(study)
    assert board is not None and board["confirm"] == 2
    (saddle,) = board["problems"]
    assert [e["rank"] for e in saddle["entries"]] == [1, 2]
    assert saddle["winner"] == saddle["entries"][0]["optimizer"]
    assert {e["optimizer"] for e in saddle["entries"]} == {"sgd", "adam"}
    assert all(e["final_loss"]["runs"] == 2 for e in saddle["entries"])
    assert client.leaderboard(client.study(experiments=[saddle_spec(steps=5)])) is None
