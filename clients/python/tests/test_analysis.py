"""Critical points and loss surfaces against closed forms of the saddle L(w1, w2) = (1 − w1·w2)²."""
from __future__ import annotations

import math

import pytest

import descent
from helpers import saddle_spec


def test_origin_of_the_saddle_has_eigenvalues_minus_two_and_two(client: descent.Client) -> None:
    report = client.analysis.critical_point("saddle", [0, 0])
    assert report.is_critical and report.kind == "saddle"
    assert sorted(report.eigenvalues) == pytest.approx([-2, 2], rel=1e-12)
    assert report.hessian == [[0.0, -2.0], [-2.0, 0.0]]


def test_saddle_escape_direction_is_the_diagonal_with_predicted_change_minus_one(client: descent.Client) -> None:
    report = client.analysis.critical_point({"type": "saddle"}, [0, 0], step_length=1.0)
    assert report.escape_direction is not None
    u1, u2 = report.escape_direction
    assert abs(u1) == pytest.approx(1 / math.sqrt(2), rel=1e-12) and u1 == pytest.approx(u2, rel=1e-12)
    assert report.escape_eigenvalue == pytest.approx(-2, rel=1e-12)
    assert report.predicted_change == pytest.approx(-1, rel=1e-12)  # ½·λ·‖u‖² = ½·(−2)·1


def test_gradient_away_from_the_saddle_matches_the_closed_form(client: descent.Client) -> None:
    w1, w2 = 0.5, 3.0
    report = client.analysis.critical_point("saddle", [w1, w2])
    r = 1 - w1 * w2
    assert report.value == pytest.approx(r * r, rel=1e-12)
    assert report.gradient == pytest.approx([-2 * r * w2, -2 * r * w1], rel=1e-12)
    assert not report.is_critical


def test_an_experiment_gives_its_objective(client: descent.Client) -> None:
    experiment = client.submit(saddle_spec())
    assert client.analysis.critical_point(experiment, [0, 0]).kind == "saddle"


def test_surface_values_are_the_objective_on_the_grid(client: descent.Client) -> None:
    grid = client.analysis.surface("saddle", x_range=(-1, 1), y_range=(0, 2), resolution=5)
    assert grid.xs == pytest.approx([-1, -0.5, 0, 0.5, 1]) and grid.ys == pytest.approx([0, 0.5, 1, 1.5, 2])
    for j, y in enumerate(grid.ys):
        for i, x in enumerate(grid.xs):
            assert grid.values[j][i] == pytest.approx((1 - x * y) ** 2, rel=1e-12, abs=1e-15)


def test_wrong_point_length_is_a_422_naming_point(client: descent.Client) -> None:
    with pytest.raises(descent.APIError) as caught:
        client.analysis.critical_point("saddle", [0, 0, 0])
    assert caught.value.status == 422 and (caught.value.field or "").startswith("point")


def test_spectrum_of_a_run_stuck_at_the_saddle_is_plus_minus_two(client: descent.Client) -> None:
    run = client.wait(client.submit({"objective": {"type": "saddle"}, "optimizer": {"type": "sgd", "lr": 0.1},
                                     "start": [0, 0], "steps": 5}))
    spectrum = client.analysis.experiment(run, step=3, k=1)
    assert spectrum.step == 3 and not spectrum.final and spectrum.method == "dense"
    assert spectrum.top_eigenvalues == pytest.approx([2], rel=1e-15)
    assert spectrum.bottom_eigenvalues == pytest.approx([-2], rel=1e-15)
    assert spectrum.trace == 0 and spectrum.negative_fraction == 0.5
