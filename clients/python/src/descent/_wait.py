"""Waiting for experiments: follow each one's event stream to its `end`, else poll its status."""
from __future__ import annotations

import json
import socket
import time
from typing import TYPE_CHECKING, Callable, Dict, Iterator, List, Optional, Sequence

from ._sse import ServerSentEvent, ServerSentEventParser
from ._transport import EventStreamConnection
from .errors import APIError, TransportError, WaitTimeout
from .models import Event, Experiment, number

if TYPE_CHECKING:
    from .client import Client

STREAM_IDLE_SECONDS = 30.0
"""An event stream that sends nothing for this long is taken as broken (the server writes a keep-alive
comment every 15 s)."""


class _Deadline(Exception):
    """The overall deadline passed (turned into `WaitTimeout` with the ids still pending)."""


def to_event(experiment_id: str, sse: ServerSentEvent) -> Event:
    """The `Event` for one server-sent event of experiment `experiment_id`."""
    try:
        data = json.loads(sse.data) if sse.data else {}
    except ValueError as error:
        raise TransportError(f"event stream of {experiment_id}: {sse.event} data is not JSON: {sse.data[:100]!r}") from error
    if not isinstance(data, dict):
        data = {"value": data}
    if sse.event == "end":
        return Event("end", experiment_id, data, Experiment.from_json(data))
    if sse.event == "progress" and "loss" in data:
        data = dict(data, loss=number(data["loss"]))
    return Event(sse.event, experiment_id, data)


def read_events(stream: EventStreamConnection, experiment_id: str, deadline: Optional[float]) -> Iterator[Event]:
    """The stream's events until `end` or the end of the stream.

    Raises `_Deadline` past `deadline` (a `time.monotonic()` value) and `TransportError` when the stream
    breaks or stays silent for `STREAM_IDLE_SECONDS`.
    """
    parser = ServerSentEventParser()
    while True:
        limit = STREAM_IDLE_SECONDS
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Deadline()
            limit = min(limit, remaining)
        try:
            chunk = stream.read(limit)
        except socket.timeout:
            if deadline is not None and time.monotonic() >= deadline:
                raise _Deadline() from None
            raise TransportError(f"GET {stream.target}: no event or keep-alive for {STREAM_IDLE_SECONDS:g} s") from None
        except OSError as error:
            raise TransportError(f"GET {stream.target}: event stream broke: {error!r}") from error
        if not chunk:
            return
        for sse in parser.feed(chunk):
            event = to_event(experiment_id, sse)
            yield event
            if event.kind == "end":
                return


def _follow(client: "Client", experiment_id: str, deadline: Optional[float],
            on_event: Optional[Callable[[Event], None]]) -> Optional[Experiment]:
    """The final experiment from its event stream, or None when the stream ended without `end`."""
    limit = STREAM_IDLE_SECONDS if deadline is None else max(0.001, min(STREAM_IDLE_SECONDS, deadline - time.monotonic()))
    stream = client._transport.open_stream("events", {"id": experiment_id}, limit)
    try:
        for event in read_events(stream, experiment_id, deadline):
            if on_event is not None:
                on_event(event)
            if event.experiment is not None:
                return event.experiment
        return None
    finally:
        stream.close()


def _poll(client: "Client", experiment_id: str, deadline: Optional[float], interval: float) -> Experiment:
    while True:
        current = client.get(experiment_id)
        if current.done:
            return current
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            raise _Deadline()
        time.sleep(interval if deadline is None else max(0.0, min(interval, deadline - now)))


def wait_for(client: "Client", ids: Sequence[str], timeout: Optional[float],
             on_event: Optional[Callable[[Event], None]], poll_interval: float) -> Dict[str, Experiment]:
    """Every experiment of `ids` once final, by id.

    Follows each event stream in turn (an experiment already finished answers at once); after a stream
    fails to open, breaks or ends early, that experiment and the rest are polled every `poll_interval` s.
    Raises `WaitTimeout` past `timeout` seconds and `APIError` for an unknown id.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    results: Dict[str, Experiment] = {}
    use_streams = True
    pending: List[str] = list(dict.fromkeys(ids))
    try:
        for experiment_id in pending:
            final: Optional[Experiment] = None
            if use_streams:
                try:
                    final = _follow(client, experiment_id, deadline, on_event)
                except TransportError:
                    final = None
                except APIError as error:
                    if error.status in (401, 403, 404):
                        raise
                    final = None
                if final is None:
                    use_streams = False
            if final is None:
                final = _poll(client, experiment_id, deadline, poll_interval)
            results[experiment_id] = final
    except _Deadline:
        left = [i for i in pending if i not in results]
        raise WaitTimeout(f"{len(left)} of {len(pending)} experiments not finished after {timeout:g} s: "
                          + ", ".join(left[:10]) + (" …" if len(left) > 10 else ""), left) from None
    return results
