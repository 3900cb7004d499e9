"""The transport: retries on 429 with Retry-After, auth, keep-alive, connection errors, request checks."""
from __future__ import annotations

import re
import socket
import threading
import time
import urllib.request
from email.utils import formatdate

import pytest

import descent
from descent._transport import retry_after_seconds
from helpers import eventually, long_spec, saddle_spec

LONG_RUNS = {"DESCENT_MAX_STEPS": "1000000000"}


def rejected_submissions(url: str) -> int:
    """How many submissions the server answered 429, from its Prometheus metrics."""
    text = urllib.request.urlopen(f"{url}/metrics", timeout=10).read().decode()
    match = re.search(r'http_requests_total\{route="/v1/experiments",status="429"\} (\d+)', text)
    return int(match.group(1)) if match else 0


def test_full_queue_is_retried_after_retry_after_until_admitted(start_server) -> None:
    server = start_server("--workers", "1", "--queue-capacity", "2", env=LONG_RUNS)
    with descent.Client(server.url) as c:
        running = c.submit(long_spec())
        eventually(lambda: c.get(running).status == "running", what="first run started")
        queued = [c.submit(long_spec()), c.submit(long_spec())]
        records, result = [], {}
        c.add_request_hook(lambda r: records.append(r) if r.route == "submit" else None)
        started = time.monotonic()
        submitter = threading.Thread(target=lambda: result.update(x=c.submit(saddle_spec())))
        submitter.start()
        eventually(lambda: rejected_submissions(server.url) >= 1, what="a 429")
        c.cancel(queued[0])  # frees one place in the queue
        submitter.join(30)
        assert not submitter.is_alive() and result["x"].status == "queued"
        assert records[-1].attempts >= 2 and records[-1].status == 202
        assert time.monotonic() - started >= 2 * 0.95  # the server's Retry-After: 2
        for x in [running, *queued]:
            c.cancel(x)


def test_full_queue_without_retries_raises_queue_full_with_retry_after(start_server) -> None:
    server = start_server("--workers", "1", "--queue-capacity", "1", env=LONG_RUNS)
    with descent.Client(server.url, max_retries=0) as c:
        running = c.submit(long_spec())
        eventually(lambda: c.get(running).status == "running", what="first run started")
        waiting = c.submit(long_spec())
        with pytest.raises(descent.APIError) as caught:
            c.submit(saddle_spec())
        assert (caught.value.status, caught.value.code) == (429, "queue_full")
        assert caught.value.retry_after == 2
        c.cancel(waiting)
        c.cancel(running)


def test_token_is_sent_as_bearer_and_missing_token_is_unauthorized(start_server) -> None:
    server = start_server("--auth-token", "s3cret")
    with descent.Client(server.url, token="") as anonymous:
        assert anonymous.health()
        with pytest.raises(descent.APIError) as caught:
            anonymous.submit(saddle_spec())
        assert (caught.value.status, caught.value.code) == (401, "unauthorized")
    with descent.Client(server.url, token="s3cret") as c:
        assert c.submit(saddle_spec()).status == "queued"


def test_requests_share_one_keep_alive_connection(client: descent.Client) -> None:
    client.health()
    conn = client._transport._connection()
    first = conn.sock
    for _ in range(5):
        client.catalog()
    assert first is not None and conn.sock is first


def test_client_reconnects_after_close(client: descent.Client) -> None:
    client.health()
    client.close()
    assert client.health()


def test_unreachable_server_raises_transport_error() -> None:
    with socket.socket() as s:  # a port nothing listens on: bound, never listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        with descent.Client(f"http://127.0.0.1:{port}") as c:
            with pytest.raises(descent.TransportError) as caught:
                c.health()
    assert f"127.0.0.1:{port}" in str(caught.value)


def test_undeclared_query_parameter_is_refused_before_sending(client: descent.Client) -> None:
    with pytest.raises(ValueError, match="query parameters"):
        client._transport.call("get", path_params={"id": "exp_1"}, query={"verbose": 1})


def test_undeclared_body_field_is_refused_before_sending(client: descent.Client) -> None:
    with pytest.raises(ValueError, match="body fields"):
        client._transport.call("critical_point", body={"objective": {"type": "saddle"}, "point": [0, 0], "colour": 1},
                               composed_body=True)


def test_non_finite_number_in_a_spec_is_refused_before_sending(client: descent.Client) -> None:
    with pytest.raises(ValueError, match="non-finite"):
        client.submit(saddle_spec(optimizer={"type": "sgd", "lr": float("nan")}))


def test_server_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="http://HOST:PORT"):
        descent.Client("127.0.0.1:8080")


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after_seconds("2") == 2.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    in_ten = retry_after_seconds(formatdate(time.time() + 10, usegmt=True))
    assert in_ten is not None and 8 <= in_ten <= 10


def test_request_hooks_see_the_token_masked(start_server) -> None:
    server = start_server("--auth-token", "s3cret")
    seen = []
    with descent.Client(server.url, token="s3cret") as c:
        c.add_request_hook(seen.append)
        c.submit(saddle_spec())
    assert seen[0].headers["Authorization"] == "Bearer ***"
