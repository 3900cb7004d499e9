"""The documentation's Python runs: the README's ≤ 10-line example and the lecture notebook example."""
from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

from conftest import REPO

EXAMPLE_SECONDS = 600


def python_block(markdown: pathlib.Path, heading: str) -> str:
    """The first ```python block after the heading that contains `heading`."""
    text = markdown.read_text()
    start = text.index(heading)
    match = re.search(r"```python\n(.*?)```", text[start:], re.S)
    assert match, f"{markdown}: no python block after {heading!r}"
    return match.group(1)


def run_snippet(code: str, url: str, folder: pathlib.Path) -> subprocess.CompletedProcess:
    code = code.replace("http://127.0.0.1:8080", url)
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, "-c", code], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=EXAMPLE_SECONDS)


def test_readme_example_plots_sgd_momentum_and_adam_in_at_most_ten_lines(server, tmp_path) -> None:
    code = python_block(REPO / "README.md", "## From Python")
    lines = [line for line in code.splitlines() if line.strip()]
    assert len(lines) <= 10, f"the README's example has {len(lines)} lines"
    result = run_snippet(code, server.url, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "loss.png").stat().st_size > 10_000
    assert "momentum_lecture" in result.stdout and "adam" in result.stdout


def test_client_readme_example_is_the_readme_example(server, tmp_path) -> None:
    assert python_block(REPO / "clients/python/README.md", "SGD vs momentum vs Adam") == \
        python_block(REPO / "README.md", "## From Python")


def test_lecture_notebook_example_runs_every_comparison(server, tmp_path) -> None:
    out = tmp_path / "figures"
    env = {**os.environ, "DESCENT_URL": server.url, "DESCENT_EXAMPLE_OUT": str(out), "MPLBACKEND": "Agg"}
    result = subprocess.run([sys.executable, str(REPO / "examples/lecture_comparisons.py")], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=EXAMPLE_SECONDS)
    assert result.returncode == 0, result.stderr
    written = {p.name for p in out.glob("*.png")}
    for name in ("momentum-loss.png", "momentum-paths.png", "adaptive-paths.png", "batch-size-epochs.png",
                 "warmup-lr.png", "batch-norm-loss.png", "feature-normalization-loss.png",
                 "saddle-path-saddle-escape.png"):
        assert name in written, f"{name} not written; got {sorted(written)}"
    assert "origin: saddle" in result.stdout
