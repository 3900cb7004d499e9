"""Exceptions raised by the client: API errors keep the server's code, message and field path."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence, Tuple


class DescentError(Exception):
    """Base class of every error this package raises."""


@dataclass(frozen=True)
class FieldError:
    """One problem the server found, e.g. `optimizer.betas[1]`: `must be in [0, 1)` (`out_of_range`)."""

    code: str
    message: str
    field: Optional[str] = None

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{where}{self.message} ({self.code})"


class APIError(DescentError):
    """A non-2xx answer from the server.

    Attributes:
        status: the HTTP status (404, 422, 429, …).
        code: the API's error code (`not_found`, `out_of_range`, `queue_full`, …), or `http_<status>`
            when the body was not the API's error shape.
        message: the API's message.
        field: the JSON path of the offending value (`optimizer.lr`, `items[3].steps`), when one value is at fault.
        errors: every problem found (a spec: up to 20; a batch: up to 100), each a `FieldError`.
        retry_after: seconds from the `Retry-After` header (429, 503), else None.
        request_id: the server's `X-Request-Id`, to find the request in its log.
        body: the decoded error body (extra keys such as `invalid_items` are kept here).
    """

    def __init__(self, status: int, code: str, message: str, *, field: Optional[str] = None,
                 errors: Sequence[FieldError] = (), retry_after: Optional[float] = None,
                 request_id: Optional[str] = None, method: str = "", path: str = "",
                 body: Optional[Mapping[str, Any]] = None) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.errors: Tuple[FieldError, ...] = tuple(errors)
        self.retry_after = retry_after
        self.request_id = request_id
        self.method = method
        self.path = path
        self.body: Mapping[str, Any] = body or {}
        super().__init__(self._describe())

    def _describe(self) -> str:
        where = f" at {self.field}" if self.field else ""
        text = f"{self.method} {self.path}: {self.status} {self.code}{where}: {self.message}".lstrip(": ")
        others = [e for e in self.errors if (e.field, e.message) != (self.field, self.message)]
        if others:
            text += "; also " + "; ".join(str(e) for e in others[:5])
            if len(others) > 5:
                text += f"; and {len(others) - 5} more"
        if self.retry_after is not None:
            text += f" (retry after {self.retry_after:g} s)"
        return text


class TransportError(DescentError):
    """The server could not be reached, or its answer was not HTTP/JSON as expected."""


class WaitTimeout(DescentError, TimeoutError):
    """`Client.wait` reached its deadline; `pending` holds the ids that were not finished yet."""

    def __init__(self, message: str, pending: Sequence[str]) -> None:
        self.pending: Tuple[str, ...] = tuple(pending)
        super().__init__(message)
