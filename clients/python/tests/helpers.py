"""Specs and waiting helpers shared by the tests."""
from __future__ import annotations

import time
from typing import Callable, Dict, TypeVar

T = TypeVar("T")


def saddle_spec(**changes: object) -> Dict[str, object]:
    """Gradient descent escaping the saddle of (1 − w1·w2)² from (0.01, 0.02), 300 steps."""
    spec: Dict[str, object] = {"objective": {"type": "saddle"}, "optimizer": {"type": "sgd", "lr": 0.1},
                               "start": [0.01, 0.02], "steps": 300}
    spec.update(changes)
    return spec


def long_spec(**changes: object) -> Dict[str, object]:
    """A run of a billion steps that records little (servers under test allow it): it runs until cancelled."""
    spec: Dict[str, object] = {"objective": {"type": "rosenbrock"}, "optimizer": {"type": "sgd", "lr": 1e-4},
                               "start": [-1.2, 1.0], "steps": 1_000_000_000, "record_every": 1_000_000}
    spec.update(changes)
    return spec


def eventually(condition: Callable[[], T], timeout: float = 30.0, what: str = "condition") -> T:
    """The first truthy value of `condition()`, asked every 20 ms; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what} not met within {timeout:g} s")
        time.sleep(0.02)
