"""Trajectories: columns, field subsets, step ranges, downsampling, long streamed exports, gzip."""
from __future__ import annotations

import pytest

import descent
from helpers import saddle_spec


@pytest.fixture(scope="module")
def finished(server) -> descent.Experiment:
    with descent.Client(server.url) as c:
        return c.wait(c.submit(saddle_spec()), timeout=60)


def test_full_trajectory_has_every_column_one_row_per_step(client: descent.Client, finished: descent.Experiment) -> None:
    t = client.trajectory(finished)
    assert list(t) == ["step", "epoch", "lr", "loss", "grad_norm", "p0", "p1"]
    assert t["step"] == list(range(301)) and t.count == t.total == 301 and not t.downsampled
    assert all(len(column) == 301 for column in t.values())
    assert (t["p0"][0], t["p1"][0]) == (0.01, 0.02)


def test_loss_column_is_the_saddle_objective_at_the_recorded_parameters(client: descent.Client,
                                                                      finished: descent.Experiment) -> None:
    t = client.trajectory(finished, fields=["loss", "params"])
    for loss, w1, w2 in zip(t["loss"], t["p0"], t["p1"]):
        assert loss == pytest.approx((1 - w1 * w2) ** 2, rel=1e-12, abs=1e-300)


def test_fields_limit_the_columns_to_step_and_those_asked(client: descent.Client, finished: descent.Experiment) -> None:
    assert list(client.trajectory(finished, fields="loss,lr")) == ["step", "lr", "loss"]


def test_step_range_and_every_select_rows(client: descent.Client, finished: descent.Experiment) -> None:
    t = client.trajectory(finished, fields="loss", from_step=10, to_step=20, every=5)
    assert t["step"] == [10, 15, 20]


def test_max_points_downsamples_keeping_the_first_and_last_rows(client: descent.Client,
                                                               finished: descent.Experiment) -> None:
    t = client.trajectory(finished, fields="loss", max_points=50)
    assert t.downsampled and 3 <= t.count <= 50
    assert t["step"][0] == 0 and t["step"][-1] == 300


def test_unknown_field_is_a_422_naming_the_query_parameter(client: descent.Client, finished: descent.Experiment) -> None:
    with pytest.raises(descent.APIError) as caught:
        client.trajectory(finished, fields="colour")
    assert (caught.value.status, caught.value.field) == (422, "fields")


def test_long_streamed_trajectory_arrives_whole_with_and_without_gzip(server, client: descent.Client) -> None:
    steps = 40_000  # above the server's 32,768-row threshold for chunked streaming
    done = client.wait(client.submit(saddle_spec(steps=steps, optimizer={"type": "sgd", "lr": 0.001})), timeout=120)
    compressed = client.trajectory(done, fields="loss")
    with descent.Client(server.url, gzip=False) as plain_client:
        plain = plain_client.trajectory(done, fields="loss")
    assert compressed.count == plain.count == steps + 1
    assert compressed["loss"] == plain["loss"]


def test_trajectory_as_frame_has_the_same_columns(client: descent.Client, finished: descent.Experiment) -> None:
    frame = client.trajectory(finished, as_frame=True)
    columns = client.trajectory(finished)
    assert list(frame.columns) == list(columns)
    assert frame["loss"].tolist() == columns["loss"] and frame["step"].tolist() == columns["step"]
