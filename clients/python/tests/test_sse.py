"""The Server-Sent Events parser: line ends, comments, multi-line data, events split anywhere."""
from __future__ import annotations

from descent._sse import ServerSentEvent, ServerSentEventParser

STREAM = (b": keep-alive\r\n"
          b"event: status\r\ndata: {\"status\":\"running\"}\r\n\r\n"
          b"event: progress\ndata: {\"steps_done\":8192,\ndata: \"x\"}\nid: 7\n\n"
          b"data:plain\rdata: second line\r\r"
          b"event: end\ndata: {}\n\n")
EXPECTED = [
    ServerSentEvent("status", '{"status":"running"}'),
    ServerSentEvent("progress", '{"steps_done":8192,\n"x"}', "7"),
    ServerSentEvent("message", "plain\nsecond line", "7"),
    ServerSentEvent("end", "{}", "7"),
]


def test_whole_stream_yields_every_event_in_order() -> None:
    assert ServerSentEventParser().feed(STREAM) == EXPECTED


def test_stream_fed_one_byte_at_a_time_yields_the_same_events() -> None:
    parser = ServerSentEventParser()
    events = [e for i in range(len(STREAM)) for e in parser.feed(STREAM[i:i + 1])]
    assert events == EXPECTED


def test_stream_split_at_every_point_yields_the_same_events() -> None:
    for cut in range(len(STREAM) + 1):
        parser = ServerSentEventParser()
        assert parser.feed(STREAM[:cut]) + parser.feed(STREAM[cut:]) == EXPECTED, f"split at {cut}"


def test_crlf_split_between_chunks_is_one_line_end() -> None:
    parser = ServerSentEventParser()
    events = parser.feed(b"data: a\r") + parser.feed(b"\n") + parser.feed(b"\r\n")
    assert events == [ServerSentEvent("message", "a")]


def test_blank_line_without_data_dispatches_nothing() -> None:
    assert ServerSentEventParser().feed(b"event: status\n\n: comment\n\n") == []


def test_empty_data_line_dispatches_an_event_with_empty_data() -> None:
    assert ServerSentEventParser().feed(b"event: ping\ndata\n\n") == [ServerSentEvent("ping", "")]


def test_leading_byte_order_mark_is_ignored() -> None:
    assert ServerSentEventParser().feed("\ufeffdata: x\n\n".encode()) == [ServerSentEvent("message", "x")]


def test_incomplete_event_is_held_until_its_blank_line() -> None:
    parser = ServerSentEventParser()
    assert parser.feed(b"event: end\ndata: {}\n") == []
    assert parser.feed(b"\n") == [ServerSentEvent("end", "{}")]
