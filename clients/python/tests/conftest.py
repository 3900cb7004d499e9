"""Fixtures: the real `descent serve` binary on a free port with a temporary store, and clients of it.

The binary is `$DESCENT_BIN`, else the repository's `.build/debug/descent` or `.build/release/descent`;
a missing binary fails the tests (it is never a skip). With `DESCENT_NO_SKIPS=1` (as `make test` runs
it) a skipped test fails the run.
"""
from __future__ import annotations

import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import time
from typing import Dict, Iterator, List, Optional

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")  # plots render off-screen

import descent  # noqa: E402

REPO = pathlib.Path(os.environ.get("DESCENT_REPO") or pathlib.Path(__file__).resolve().parents[3])
START_SECONDS = 30.0
STOP_SECONDS = 20.0
LONG_RUNS = {"DESCENT_MAX_STEPS": "1000000000"}  # lets tests queue runs that last until cancelled


def descent_binary() -> pathlib.Path:
    """The `descent` executable to test."""
    configured = os.environ.get("DESCENT_BIN")
    candidates = [pathlib.Path(configured)] if configured else [REPO / ".build/debug/descent", REPO / ".build/release/descent"]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail(f"no descent binary at {', '.join(map(str, candidates))}: run `swift build` or set DESCENT_BIN", pytrace=False)
    raise AssertionError("unreachable")


class Server:
    """One `descent serve --port 0` process with its own data folder; `url` once it listens."""

    def __init__(self, *flags: str, env: Optional[Dict[str, str]] = None) -> None:
        self.folder = pathlib.Path(tempfile.mkdtemp(prefix="descent-pytest-"))
        self.stdout_path = self.folder / "stdout.log"
        self.stderr_path = self.folder / "server.log"
        command = [str(descent_binary()), "serve", "--host", "127.0.0.1", "--port", "0",
                   "--data-dir", str(self.folder / "store"), "--log-level", "warning", *flags]
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(command, stdout=out, stderr=err, env={**os.environ, **(env or {})})
        self.url = self._await_url()

    def _await_url(self) -> str:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            for line in self.stdout_path.read_text(errors="replace").splitlines():
                if line.startswith("descent listening on "):
                    return line[len("descent listening on "):].strip()
            if self.process.poll() is not None:
                break
            time.sleep(0.02)
        log = self.stderr_path.read_text(errors="replace")[-2000:]
        self.stop()
        pytest.fail(f"descent serve did not start within {START_SECONDS:g} s (exit {self.process.poll()}):\n{log}",
                    pytrace=False)
        raise AssertionError("unreachable")

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not exited within STOP_SECONDS; removes the data folder."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_SECONDS)
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """A server with default settings, shared by the tests that need nothing special."""
    s = Server("--workers", "2", env=LONG_RUNS)
    yield s
    s.stop()


@pytest.fixture
def client(server: Server) -> Iterator[descent.Client]:
    """A client of the shared server, closed after the test."""
    with descent.Client(server.url) as c:
        yield c


@pytest.fixture
def start_server() -> Iterator[object]:
    """Starts servers with particular flags (`start_server("--auth-token", "t")`); stops them after the test."""
    started: List[Server] = []

    def start(*flags: str, env: Optional[Dict[str, str]] = None) -> Server:
        s = Server(*flags, env=env)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


# ---- NO_SKIPS: a skipped test fails the run when DESCENT_NO_SKIPS=1 (as `make test` sets it)

_skipped: List[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("DESCENT_NO_SKIPS") == "1" and _skipped:
        print(f"\nFAIL: {len(_skipped)} skipped test(s) under DESCENT_NO_SKIPS=1: " + ", ".join(_skipped))
        session.exitstatus = 1
