"""HTTP/1.1 transport over the standard library: keep-alive connections, JSON, gzip, retries on 429.

Each thread gets its own persistent `http.client` connection (so a `Client` may be shared by threads);
event streams get a dedicated connection each. Requests are checked against the route table in
`_routes.py` before they are sent.
"""
from __future__ import annotations

import email.utils
import gzip
import http.client
import json
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Set

from ._routes import ROUTES, Route
from ._version import __version__
from .errors import APIError, FieldError, TransportError

USER_AGENT = f"descent-python/{__version__}"

# A request on a connection the server had already closed fails before anything was processed;
# such a request is sent again once on a fresh connection.
_STALE_CONNECTION = (ConnectionResetError, BrokenPipeError, ConnectionAbortedError, http.client.BadStatusLine)


@dataclass(frozen=True)
class Response:
    """One complete HTTP response (body already decompressed)."""

    status: int
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class RequestRecord:
    """What the client sent and what came back; given to request hooks after every request.

    `path` is the filled-in path without the query, `route` the name in the route table, `body` the JSON
    value sent (None without a body), `status` the final status (after any retries), `attempts` the number
    of times it was sent (more than 1 after a 429/503 retry).
    """

    route: str
    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: Any
    status: int
    attempts: int


@dataclass
class _Settings:
    scheme: str
    host: str
    port: int
    prefix: str
    token: Optional[str]
    timeout: float
    max_retries: int
    max_retry_wait: float
    gzip: bool
    hooks: List[Callable[[RequestRecord], None]] = field(default_factory=list)


def parse_base_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path prefix) of a base URL such as `http://127.0.0.1:8080`."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"server URL must look like http://HOST:PORT, got {url!r}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, parts.hostname, port, parts.path.rstrip("/")


def retry_after_seconds(value: Optional[str]) -> Optional[float]:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def retry_pause(response: Response) -> Optional[float]:
    """Seconds to wait before sending a request again: a 429 (queue full) after its Retry-After (1 s when
    it has none), a 503 only when it has one (shutting down); None for any other answer."""
    delay = retry_after_seconds(response.headers.get("retry-after"))
    if response.status == 429:
        return 1.0 if delay is None else delay
    if response.status == 503 and delay is not None:
        return delay
    return None


def encode_json(value: Any) -> bytes:
    """Compact JSON; a NaN or infinity in a request is an error here rather than invalid JSON on the wire."""
    try:
        return json.dumps(value, allow_nan=False, separators=(",", ":")).encode()
    except ValueError as error:
        raise ValueError(f"request body holds a non-finite number, which JSON cannot carry: {error}") from None


class Transport:
    """Sends requests declared in the route table; owns the keep-alive connections."""

    def __init__(self, url: str, token: Optional[str], *, timeout: float, max_retries: int,
                 max_retry_wait: float, gzip: bool) -> None:
        scheme, host, port, prefix = parse_base_url(url)
        self.base_url = f"{scheme}://{host}:{port}{prefix}"
        self.settings = _Settings(scheme, host, port, prefix, token, timeout, max_retries, max_retry_wait, gzip)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: Set[http.client.HTTPConnection] = set()  # guarded by _lock

    # ---- connections

    def _new_connection(self, timeout: Optional[float]) -> http.client.HTTPConnection:
        s = self.settings
        if s.scheme == "https":
            return http.client.HTTPSConnection(s.host, s.port, timeout=timeout)
        return http.client.HTTPConnection(s.host, s.port, timeout=timeout)

    def _connection(self) -> http.client.HTTPConnection:
        conn: Optional[http.client.HTTPConnection] = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._new_connection(self.settings.timeout)
            self._local.conn = conn
            with self._lock:
                self._connections.add(conn)
        return conn

    def close(self) -> None:
        """Closes every keep-alive connection; later requests open new ones."""
        with self._lock:
            connections, self._connections = self._connections, set()
        for conn in connections:
            conn.close()
        self._local = threading.local()

    # ---- requests

    def _headers(self, route: Route, extra: Optional[Mapping[str, str]], has_body: bool, accept: str) -> Dict[str, str]:
        for name in extra or {}:
            if name not in route.headers:
                raise ValueError(f"{route.method} {route.path} does not take the header {name!r}")
        headers = {"User-Agent": USER_AGENT, "Accept": accept}
        if self.settings.gzip and accept == "application/json":
            headers["Accept-Encoding"] = "gzip"
        if has_body:
            headers["Content-Type"] = "application/json"
        if self.settings.token:
            headers["Authorization"] = f"Bearer {self.settings.token}"
        headers.update(extra or {})
        return headers

    def target(self, name: str, path_params: Optional[Mapping[str, str]] = None,
               query: Optional[Mapping[str, Any]] = None) -> tuple[Route, str, str, Dict[str, str]]:
        """The route, the filled path, the full request target and the query sent, after checking them."""
        route = ROUTES[name]
        path = route.path
        for key, value in (path_params or {}).items():
            if not isinstance(value, str) or not value:
                raise ValueError(f"{key} must be a non-empty string, got {value!r}")
            path = path.replace("{" + key + "}", urllib.parse.quote(value, safe=""))
        if "{" in path:
            raise ValueError(f"missing path parameter in {route.path}")
        sent = {k: _query_text(v) for k, v in (query or {}).items() if v is not None}
        unknown = set(sent) - route.query
        if unknown:
            raise ValueError(f"{route.method} {route.path} does not take the query parameters {sorted(unknown)}")
        full = self.settings.prefix + path
        if sent:
            full += "?" + urllib.parse.urlencode(sent)
        return route, path, full, sent

    def call(self, name: str, *, path_params: Optional[Mapping[str, str]] = None,
             query: Optional[Mapping[str, Any]] = None, body: Any = None, composed_body: bool = False,
             headers: Optional[Mapping[str, str]] = None) -> Response:
        """Sends one request of route `name` and returns its 2xx response; raises `APIError` otherwise.

        `composed_body` says the client wrote the body's keys itself (they must be declared in the route);
        a 429 or a 503 with `Retry-After` is retried after the given delay, at most `max_retries` times and
        `max_retry_wait` seconds in all.
        """
        route, path, target, sent_query = self.target(name, path_params, query)
        if body is not None and route.body_schema is None:
            raise ValueError(f"{route.method} {route.path} takes no body")
        if composed_body and isinstance(body, Mapping):
            unknown = set(body) - route.body_fields
            if unknown:
                raise ValueError(f"{route.method} {route.path} does not take the body fields {sorted(unknown)}")
        payload = encode_json(body) if body is not None else None
        sent_headers = self._headers(route, headers, payload is not None, "application/json")
        s = self.settings
        attempts, waited = 0, 0.0
        while True:
            attempts += 1
            response = self._send(route.method, target, payload, sent_headers)
            pause = retry_pause(response)
            if pause is None or attempts > s.max_retries or waited + pause > s.max_retry_wait:
                break
            time.sleep(pause)
            waited += pause
        self._report(RequestRecord(name, route.method, path, sent_query, sent_headers, body, response.status, attempts))
        if response.status >= 300:
            raise api_error(route.method, path, response.status, response.headers, response.body)
        return response

    def _report(self, record: RequestRecord) -> None:
        """Gives `record` to the request hooks, with the bearer token masked."""
        if not self.settings.hooks:
            return
        if "Authorization" in record.headers:
            masked = dict(record.headers, Authorization="Bearer ***")
            record = RequestRecord(record.route, record.method, record.path, record.query, masked, record.body,
                                   record.status, record.attempts)
        for hook in list(self.settings.hooks):
            hook(record)

    def _send(self, method: str, target: str, payload: Optional[bytes], headers: Mapping[str, str]) -> Response:
        for attempt in (1, 2):
            conn = self._connection()
            reused = conn.sock is not None
            try:
                conn.request(method, target, body=payload, headers=dict(headers))
                raw = conn.getresponse()
                body = raw.read()
            except _STALE_CONNECTION as error:
                conn.close()
                if reused and attempt == 1:
                    continue
                raise TransportError(f"{method} {target}: connection to {self.base_url} failed: {error}") from error
            except socket.timeout as error:
                conn.close()
                raise TransportError(f"{method} {target}: no answer from {self.base_url} within "
                                     f"{self.settings.timeout:g} s") from error
            except OSError as error:
                conn.close()
                raise TransportError(f"{method} {target}: cannot reach {self.base_url}: {error}") from error
            except http.client.HTTPException as error:
                conn.close()
                raise TransportError(f"{method} {target}: malformed answer from {self.base_url}: {error!r}") from error
            response_headers = {k.lower(): v for k, v in raw.getheaders()}
            if response_headers.get("content-encoding", "").lower() == "gzip":
                try:
                    body = gzip.decompress(body)
                except (OSError, EOFError) as error:
                    raise TransportError(f"{method} {target}: gzip body does not decompress: {error}") from error
            return Response(raw.status, response_headers, body)
        raise AssertionError("unreachable")

    # ---- event streams

    def open_stream(self, name: str, path_params: Mapping[str, str], read_timeout: float) -> "EventStreamConnection":
        """Opens a Server-Sent Events response on a connection of its own; raises `APIError` on a non-200."""
        route, path, target, _ = self.target(name, path_params)
        headers = self._headers(route, None, False, "text/event-stream")
        conn = self._new_connection(read_timeout)
        try:
            conn.request(route.method, target, headers=headers)
            raw = conn.getresponse()
        except (OSError, http.client.HTTPException) as error:
            conn.close()
            raise TransportError(f"GET {target}: event stream could not be opened: {error!r}") from error
        self._report(RequestRecord(name, route.method, path, {}, headers, None, raw.status, 1))
        if raw.status != 200:
            body = raw.read()
            conn.close()
            raise api_error(route.method, path, raw.status, {k.lower(): v for k, v in raw.getheaders()}, body)
        return EventStreamConnection(conn, raw, target)


class EventStreamConnection:
    """An open event-stream response: read its bytes as they come, then close it."""

    def __init__(self, conn: http.client.HTTPConnection, response: http.client.HTTPResponse, target: str) -> None:
        self._conn = conn
        self._response = response
        self.target = target

    def read(self, timeout: float) -> bytes:
        """The next bytes (b"" at the end of the stream); `socket.timeout` when none came within `timeout` s."""
        if self._conn.sock is not None:
            self._conn.sock.settimeout(max(timeout, 0.001))
        try:
            return self._response.read1(65536)
        except (http.client.IncompleteRead, ConnectionError) as error:
            raise TransportError(f"GET {self.target}: event stream broke: {error!r}") from error

    def close(self) -> None:
        """Closes the connection (the server notices and stops writing)."""
        self._response.close()
        self._conn.close()


def _query_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


def api_error(method: str, path: str, status: int, headers: Mapping[str, str], body: bytes) -> APIError:
    """The `APIError` for a non-2xx response: the API's `{"error":{…}}` when present, else the raw text."""
    retry_after = retry_after_seconds(headers.get("retry-after"))
    request_id = headers.get("x-request-id")
    try:
        decoded = json.loads(body) if body else None
    except ValueError:
        decoded = None
    info = decoded.get("error") if isinstance(decoded, dict) else None
    if not isinstance(info, dict):
        text = body.decode("utf-8", "replace").strip()[:200] or http.client.responses.get(status, "")
        return APIError(status, f"http_{status}", text, retry_after=retry_after, request_id=request_id,
                        method=method, path=path)
    errors = [FieldError(str(e.get("code", "")), str(e.get("message", "")), e.get("field"))
              for e in info.get("errors") or [] if isinstance(e, dict)]
    return APIError(status, str(info.get("code", f"http_{status}")), str(info.get("message", "")),
                    field=info.get("field"), errors=errors, retry_after=retry_after, request_id=request_id,
                    method=method, path=path, body=info)
