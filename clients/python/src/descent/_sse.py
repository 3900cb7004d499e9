"""Incremental Server-Sent Events parser (HTML Living Standard, "Interpreting an event stream").

Bytes in, events out, no I/O: lines end in CR, LF or CRLF (a CR at the end of one chunk and the LF at
the start of the next are one line end); lines starting with ":" are comments; `data` lines are joined
with "\\n"; a blank line dispatches the event, unless no data was given.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional


@dataclass(frozen=True)
class ServerSentEvent:
    """One dispatched event: its type (`message` when none was named), data and last event id."""

    event: str
    data: str
    id: Optional[str] = None


class ServerSentEventParser:
    """Feed it bytes as they arrive; it returns the events completed by them."""

    def __init__(self) -> None:
        self._pending = b""
        self._skip_lf = False  # the previous chunk ended in CR: a leading LF belongs to that line end
        self._event = ""
        self._data: List[str] = []
        self._last_id: Optional[str] = None
        self._first_line = True

    def feed(self, chunk: bytes) -> List[ServerSentEvent]:
        """The events completed by `chunk`."""
        if self._skip_lf and chunk.startswith(b"\n"):
            chunk = chunk[1:]
        self._skip_lf = False
        buffer = self._pending + chunk
        events: List[ServerSentEvent] = []
        start = 0
        i = 0
        n = len(buffer)
        while i < n:
            byte = buffer[i]
            if byte == 0x0A or byte == 0x0D:
                line = buffer[start:i]
                if byte == 0x0D:
                    if i + 1 < n:
                        if buffer[i + 1] == 0x0A:
                            i += 1
                    else:
                        self._skip_lf = True
                self._line(line.decode("utf-8", "replace"), events)
                start = i + 1
            i += 1
        self._pending = buffer[start:]
        return events

    def _line(self, line: str, events: List[ServerSentEvent]) -> None:
        if self._first_line:
            self._first_line = False
            if line.startswith("\ufeff"):
                line = line[1:]
        if line == "":
            if self._data:
                events.append(ServerSentEvent(self._event or "message", "\n".join(self._data), self._last_id))
            self._event, self._data = "", []
            return
        if line.startswith(":"):
            return
        name, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        elif name == "id" and "\0" not in value:
            self._last_id = value
