"""The matplotlib helpers draw what the dashboard draws: loss curves and parameter paths over contours."""
from __future__ import annotations

from typing import Iterator

import matplotlib
import pytest

import descent
from helpers import saddle_spec

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def test_plot_loss_draws_one_log_scale_line_per_study_member_labelled_as_the_study(client: descent.Client) -> None:
    study = client.wait(client.run_preset("momentum"), timeout=60)
    ax = client.plot_loss(study)
    assert ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.get_lines()] == [row.label for row in study.experiments]
    first = client.trajectory(study.experiments[0], fields="loss", max_points=800)
    assert list(ax.get_lines()[0].get_ydata()) == first["loss"]
    assert list(ax.get_lines()[0].get_xdata()) == first["step"]


def test_plot_loss_labels_repeated_names_with_their_ids(client: descent.Client) -> None:
    a, b = client.submit_many([saddle_spec(name="same"), saddle_spec(name="same", seed=1)])
    client.wait([a, b], timeout=60)
    ax = client.plot_loss([a.id, b.id], log=False)
    assert [line.get_label() for line in ax.get_lines()] == [f"same ({a.id})", f"same ({b.id})"]
    assert ax.get_yscale() == "linear"


def test_plot_path_draws_contours_the_path_and_classifies_the_origin(client: descent.Client) -> None:
    done = client.wait(client.submit(saddle_spec(name="escape")), timeout=60)
    ax = client.plot_path(done)
    path = next(line for line in ax.get_lines() if line.get_label() == "escape")
    t = client.trajectory(done, fields="params", max_points=1500)
    assert list(path.get_xdata()) == t["p0"] and list(path.get_ydata()) == t["p1"]
    assert ax.collections, "no contour lines"
    notes = [text.get_text() for text in ax.texts]
    assert "origin: saddle" in notes and any(n.startswith("end: ") for n in notes)
    x0, x1 = ax.get_xlim()
    assert x0 < min(t["p0"]) and x1 > max(t["p0"])


def test_plot_path_refuses_runs_on_different_objectives(client: descent.Client) -> None:
    a = client.submit(saddle_spec())
    b = client.submit({"objective": {"type": "rosenbrock"}, "optimizer": {"type": "sgd", "lr": 1e-3},
                       "start": [-1.2, 1], "steps": 10})
    client.wait([a, b], timeout=60)
    with pytest.raises(ValueError, match=b.id):
        client.plot_path([a, b])


def test_plot_path_needs_two_parameters(client: descent.Client) -> None:
    spec = {"objective": {"type": "ill_conditioned", "dimension": 3, "kappa": 10}, "optimizer": {"type": "sgd", "lr": 0.01},
            "start": [1, 1, 1], "steps": 10}
    done = client.wait(client.submit(spec), timeout=60)
    with pytest.raises(ValueError, match="dimension 3"):
        client.plot_path(done)
