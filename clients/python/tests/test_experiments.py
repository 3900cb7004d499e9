"""Submitting, reading, listing, cancelling and deleting experiments against the real server."""
from __future__ import annotations

import json
import uuid

import pytest

import descent
from helpers import eventually, long_spec, saddle_spec


def test_submit_returns_the_queued_experiment_with_its_spec(client: descent.Client) -> None:
    experiment = client.submit(saddle_spec(name="escape"))
    assert experiment.id.startswith("exp_")
    assert experiment.name == "escape"
    assert experiment.spec["optimizer"] == {"type": "sgd", "lr": 0.1}
    assert experiment.progress.steps_total == 300


def test_submit_reads_a_spec_file(client: descent.Client, tmp_path) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(saddle_spec(name="from a file")))
    assert client.submit(path).name == "from a file"
    assert client.submit(str(path)).name == "from a file"


def test_finished_saddle_escape_reaches_the_valley_where_w1_w2_is_one(client: descent.Client) -> None:
    done = client.wait(client.submit(saddle_spec()), timeout=60)
    assert done.status == "succeeded" and done.summary is not None
    w1, w2 = done.summary.final_params
    assert abs(w1 * w2 - 1) < 1e-12
    assert done.summary.final_loss < 1e-20
    assert done.summary.stop_reason == "budget" and done.summary.steps_run == 300


def test_get_of_an_unknown_id_raises_not_found_with_the_servers_message(client: descent.Client) -> None:
    with pytest.raises(descent.APIError) as caught:
        client.get("exp_0000000000000000")
    assert caught.value.status == 404 and caught.value.code == "not_found"
    assert "exp_0000000000000000" in caught.value.message
    assert caught.value.request_id


def test_invalid_spec_error_carries_code_field_and_every_problem(client: descent.Client) -> None:
    with pytest.raises(descent.APIError) as caught:
        client.submit(saddle_spec(optimizer={"type": "sgd", "lr": -1}, steps=0))
    error = caught.value
    assert error.status == 422
    assert (error.code, error.field) == ("out_of_range", "optimizer.lr")
    assert {e.field for e in error.errors} == {"optimizer.lr", "steps"}
    assert "optimizer.lr" in str(error) and "steps" in str(error)


def test_same_idempotency_key_and_spec_returns_the_first_experiment(client: descent.Client) -> None:
    key = f"pytest-{uuid.uuid4()}"
    first = client.submit(saddle_spec(), idempotency_key=key)
    assert client.submit(saddle_spec(), idempotency_key=key).id == first.id


def test_same_idempotency_key_with_another_spec_is_a_conflict(client: descent.Client) -> None:
    key = f"pytest-{uuid.uuid4()}"
    client.submit(saddle_spec(), idempotency_key=key)
    with pytest.raises(descent.APIError) as caught:
        client.submit(saddle_spec(steps=301), idempotency_key=key)
    assert (caught.value.status, caught.value.code) == (409, "conflict")


def test_submit_many_returns_one_item_per_spec_in_order(client: descent.Client) -> None:
    items = client.submit_many([saddle_spec(name=f"batch {i}") for i in range(5)])
    assert len(items) == 5 and len({i.id for i in items}) == 5
    assert [client.get(i).name for i in items] == [f"batch {i}" for i in range(5)]


def test_submit_many_sends_more_than_a_thousand_specs_in_several_requests(client: descent.Client) -> None:
    sent = []
    client.add_request_hook(lambda r: sent.append(r) if r.route == "submit_batch" else None)
    items = client.submit_many([saddle_spec(steps=1, seed=i) for i in range(descent.BATCH_LIMIT + 1)])
    assert len(items) == descent.BATCH_LIMIT + 1
    assert [len(r.body["items"]) for r in sent] == [descent.BATCH_LIMIT, 1]
    finals = client.wait(items, timeout=120)
    assert {e.status for e in finals} == {"succeeded"}
    assert [e.spec["seed"] for e in finals] == list(range(descent.BATCH_LIMIT + 1))


def test_invalid_batch_item_is_reported_with_its_item_path(client: descent.Client) -> None:
    with pytest.raises(descent.APIError) as caught:
        client.submit_many([saddle_spec(), saddle_spec(optimizer={"type": "sgd", "lr": -1})])
    assert caught.value.field == "items[1].optimizer.lr"
    assert caught.value.body.get("invalid_items") == 1


def test_cancel_stops_a_running_experiment(client: descent.Client) -> None:
    experiment = client.submit(long_spec())
    try:
        eventually(lambda: client.get(experiment).status == "running", what="run started")
        client.cancel(experiment)
        final = client.wait(experiment, timeout=30)
        assert final.status == "cancelled" and final.summary is not None
        assert final.summary.stop_reason == "cancelled"
    finally:
        client.cancel(experiment)


def test_deleted_experiment_is_gone(client: descent.Client) -> None:
    experiment = client.wait(client.submit(saddle_spec()), timeout=60)
    client.delete(experiment)
    with pytest.raises(descent.APIError) as caught:
        client.get(experiment)
    assert caught.value.code == "not_found"


def test_experiments_filters_by_tag_and_follows_pages(client: descent.Client) -> None:
    tag = f"t{uuid.uuid4().hex[:12]}"
    ids = [i.id for i in client.submit_many([saddle_spec(tags=[tag], seed=i) for i in range(5)])]
    pages = []
    client.add_request_hook(lambda r: pages.append(r.query) if r.route == "list" else None)
    listed = [e.id for e in client.experiments(tag=tag, page_size=2)]
    assert listed == list(reversed(ids))  # newest first
    assert len(pages) == 3 and "cursor" not in pages[0] and all("cursor" in p for p in pages[1:])


def test_experiments_limit_caps_what_is_yielded(client: descent.Client) -> None:
    tag = f"t{uuid.uuid4().hex[:12]}"
    client.submit_many([saddle_spec(tags=[tag]) for _ in range(3)])
    assert len(list(client.experiments(tag=tag, limit=2, sort="created_at"))) == 2


def test_wait_returns_a_diverged_run_rather_than_raising(client: descent.Client) -> None:
    spec = {"objective": {"type": "rosenbrock"}, "optimizer": {"type": "sgd", "lr": 0.1}, "start": [-1.2, 1], "steps": 1000}
    final = client.wait(client.submit(spec), timeout=60)
    assert final.status == "diverged" and final.done and not final.succeeded
    assert final.summary is not None and final.summary.stop_reason == "diverged"
    assert all(isinstance(p, float) for p in final.summary.final_params)


def test_experiments_filter_by_spec_path_and_sort_by_final_loss(client: descent.Client) -> None:
    tag = f"t{uuid.uuid4().hex[:12]}"
    specs = [saddle_spec(tags=[tag], seed=i) for i in range(3)]
    for spec, lr in zip(specs, [0.01, 0.05, 0.1]):
        spec["optimizer"]["lr"] = lr
    done = [client.wait(e, timeout=60) for e in client.submit_many(specs)]
    listed = list(client.experiments(tag=tag, filter="optimizer.lr:0.02..0.1", sort="summary.final_loss", page_size=1))
    expected = sorted((e for e in done if e.spec["optimizer"]["lr"] >= 0.02),
                      key=lambda e: e.summary.final_loss if e.summary else float("inf"))
    assert [e.id for e in listed] == [e.id for e in expected]


def test_annotate_replaces_tags_and_sets_then_removes_a_note(client: descent.Client) -> None:
    tag = f"t{uuid.uuid4().hex[:12]}"
    experiment = client.submit(saddle_spec(tags=["before"]))
    changed = client.annotate(experiment, tags=[tag], note="keep this one")
    assert changed.tags == [tag] and changed.note == "keep this one"
    assert [e.id for e in client.experiments(tag=tag)] == [experiment.id]
    assert client.annotate(experiment, note=None).note is None
    assert client.get(experiment).tags == [tag]


def test_trajectory_of_a_run_with_analysis_records_has_them(client: descent.Client) -> None:
    spec = {"seed": 2, "objective": {"type": "mlp", "hidden": [3]},
            "dataset": {"type": "synthetic", "generator": "two_moons", "samples": 30},
            "optimizer": {"type": "sgd", "lr": 0.1}, "batch_size": 10, "steps": 12, "record_params": False,
            "analysis": {"sharpness_every": 6, "layer_stats": True}}
    done = client.wait(client.submit(spec), timeout=60)
    t = client.trajectory(done)
    # λmax at steps 0, 6 and 12; one hidden layer's statistics at step 0 and each epoch's end (3 batches).
    assert [r.step for r in t.sharpness] == [0, 6, 12] and all(r.lambda_max > 0 for r in t.sharpness)
    assert [(r.step, r.layer) for r in t.layer_stats] == [(0, 0), (3, 0), (6, 0), (9, 0), (12, 0)]
    assert all(r.std > 0 and r.normalized_std is None for r in t.layer_stats)
