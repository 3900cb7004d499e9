"""Waiting: event streams to `end`, the polling fallback, deadlines, studies and lists."""
from __future__ import annotations

import time

import pytest

import descent
from helpers import eventually, long_spec, saddle_spec
from proxy import StreamBreakingProxy


def test_events_of_a_finished_run_are_its_status_then_end(client: descent.Client) -> None:
    done = client.wait(client.submit(saddle_spec()), timeout=60)
    events = list(client.events(done))
    assert [e.kind for e in events] == ["status", "end"]
    assert events[0].data["status"] == "succeeded"
    assert events[-1].experiment is not None and events[-1].experiment.summary == done.summary


def test_events_of_a_running_run_report_progress_then_end_after_cancel(client: descent.Client) -> None:
    experiment = client.submit(long_spec(steps=10_000_000, record_every=10))
    try:
        kinds = []
        for event in client.events(experiment):
            kinds.append(event.kind)
            if event.kind == "progress" and "progress" not in kinds[:-1]:
                assert event.data["steps_done"] > 0 and isinstance(event.data["loss"], float)
                client.cancel(experiment)
        assert "progress" in kinds and kinds[-1] == "end"
    finally:
        client.cancel(experiment)
    assert client.get(experiment).status == "cancelled"


def test_wait_passes_each_stream_event_to_on_event(client: descent.Client) -> None:
    seen = []
    final = client.wait(client.submit(saddle_spec()), timeout=60, on_event=seen.append)
    assert seen and seen[-1].kind == "end" and seen[-1].experiment_id == final.id


def test_wait_of_a_list_returns_finals_in_the_order_given(client: descent.Client) -> None:
    items = client.submit_many([saddle_spec(steps=300 - 100 * i, name=f"w{i}") for i in range(3)])
    finals = client.wait(list(reversed(items)), timeout=60)
    assert [f.name for f in finals] == ["w2", "w1", "w0"]
    assert all(f.status == "succeeded" for f in finals)


def test_wait_past_its_deadline_raises_wait_timeout_naming_the_pending_run(client: descent.Client) -> None:
    running = client.submit(long_spec())
    quick = client.wait(client.submit(saddle_spec()), timeout=60)
    try:
        started = time.monotonic()
        with pytest.raises(descent.WaitTimeout) as caught:
            client.wait([quick, running], timeout=0.5)
        assert caught.value.pending == (running.id,)
        assert time.monotonic() - started < 5
        assert isinstance(caught.value, TimeoutError)
    finally:
        client.cancel(running)


def test_wait_for_an_unknown_id_raises_not_found(client: descent.Client) -> None:
    with pytest.raises(descent.APIError) as caught:
        client.wait("exp_0000000000000000", timeout=10)
    assert caught.value.code == "not_found"


def test_wait_polls_when_the_event_stream_breaks(server) -> None:
    with StreamBreakingProxy(server.url) as url, descent.Client(url) as through_proxy:
        polls = []
        through_proxy.add_request_hook(lambda r: polls.append(r) if r.route == "get" else None)
        experiment = through_proxy.submit(long_spec())
        try:
            eventually(lambda: through_proxy.get(experiment).status == "running", what="run started")
            polls.clear()
            with pytest.raises(descent.WaitTimeout):
                through_proxy.wait(experiment, timeout=0.6, poll_interval=0.05)
            assert len(polls) >= 2  # the stream broke after one event; the status was polled instead
            through_proxy.cancel(experiment)
            final = through_proxy.wait(experiment, timeout=30, poll_interval=0.05)
        finally:
            through_proxy.cancel(experiment)
    assert final.status == "cancelled"


def test_wait_of_a_study_returns_it_finished(client: descent.Client) -> None:
    study = client.study(name="lrs", base=saddle_spec(), grid={"optimizer.lr": [0.05, 0.1]})
    finished = client.wait(study, timeout=60)
    assert finished.done and finished.id == study.id
    assert [r.status for r in finished.experiments] == ["succeeded", "succeeded"]
