"""The package is typed (PEP 561) and its annotations hold: mypy --strict finds nothing."""
from __future__ import annotations

import pathlib
import subprocess
import sys

import descent


def test_package_ships_py_typed() -> None:
    assert (pathlib.Path(descent.__file__).parent / "py.typed").is_file()


def test_mypy_strict_passes_on_the_installed_package(tmp_path) -> None:
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "-p", "descent"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_accepts_the_readme_style_usage(tmp_path) -> None:
    usage = tmp_path / "usage.py"
    usage.write_text(
        "import descent\n"
        "client = descent.Client('http://127.0.0.1:8080')\n"
        "one: descent.Experiment = client.wait(client.submit({'objective': {'type': 'saddle'}}))\n"
        "many: list[descent.Experiment] = client.wait(client.submit_many([{'objective': {'type': 'saddle'}}]))\n"
        "study: descent.Study = client.wait(client.study(base={'objective': {'type': 'saddle'}}, grid={'seed': [1]}))\n"
        "t: descent.Trajectory = client.trajectory(one, fields=['loss'], max_points=100)\n"
        "losses: list[float] = t['loss']\n"
        "kind: str = client.analysis.critical_point('saddle', [0.0, 0.0]).kind\n")
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(usage)],
                            cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
