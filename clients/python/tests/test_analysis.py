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


def test_line_on_a_quadratic_is_an_exact_parabola_in_alpha(client: descent.Client) -> None:
    quadratic = {"type": "quadratic", "a": [[1, 0], [0, 1]], "b": [0, 0]}
    line = client.analysis.landscape("line", objective=quadratic, from_=[1, 0], to=[0, 1], range=(0, 1), resolution=5)
    assert line.kind == "line" and line.alphas == [0, 0.25, 0.5, 0.75, 1]
    assert line.values == pytest.approx([0.5 * ((1 - a) ** 2 + a ** 2) for a in line.alphas], rel=1e-15)


def test_eigenvector_plane_of_the_saddle_is_one_minus_half_difference_of_squares_squared(client: descent.Client) -> None:
    plane = client.analysis.landscape("plane", objective="saddle", at=[0, 0], directions="eigenvectors",
                                      range=(-1, 1), resolution=5)
    assert plane.grid is not None and plane["eigenvalues"] == pytest.approx([2, -2], rel=1e-14)
    for j, b in enumerate(plane.grid.ys):
        for i, a in enumerate(plane.grid.xs):
            assert plane.grid.values[j][i] == pytest.approx((1 - (b * b - a * a) / 2) ** 2, rel=1e-13, abs=1e-15)


def test_pca_plane_of_a_run_ends_at_its_origin_and_draws_as_svg(client: descent.Client) -> None:
    run = client.wait(client.submit(saddle_spec(steps=50)))
    plane = client.analysis.landscape("pca", experiment=run, resolution=5)
    assert plane.path_xs is not None and plane.path_ys is not None and len(plane.path_xs) == 51
    assert plane.path_xs[-1] == 0 and plane.path_ys[-1] == 0
    assert sum(plane.explained_variance or []) == pytest.approx(1, rel=1e-12)
    assert "<svg" in client.analysis.landscape_svg("pca", experiment=run, resolution=5)


def test_a_grid_past_the_limit_is_a_422_too_large(client: descent.Client) -> None:
    with pytest.raises(descent.APIError) as caught:
        client.analysis.landscape("plane", objective="saddle", at=[0, 0], resolution=202)
    assert caught.value.status == 422 and caught.value.code == "too_large" and caught.value.field == "resolution"
