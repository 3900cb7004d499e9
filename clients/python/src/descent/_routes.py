"""Every request the client makes, declared once: method, path, query names, headers and body.

`Transport.call` refuses a request that is not declared here, and the test suite checks this table
against the server's openapi.yaml, so the client cannot send a parameter the server does not document.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import FrozenSet, Optional


@dataclass(frozen=True)
class Route:
    """One operation of the HTTP API as the client uses it.

    Attributes:
        method: HTTP method.
        path: path template with `{name}` parameters, as in openapi.yaml.
        query: query parameter names the client may send.
        headers: request headers (besides the standard ones) the client may send.
        body_schema: the component schema of the JSON body (`ExperimentSpec`, `StudyRequest`, …), or None.
        body_fields: top-level body keys the client itself writes (a body the user passes whole, such as
            a spec, is the user's and is not limited here).
    """

    method: str
    path: str
    query: FrozenSet[str] = frozenset()
    headers: FrozenSet[str] = frozenset()
    body_schema: Optional[str] = None
    body_fields: FrozenSet[str] = frozenset()


def _r(method: str, path: str, query: str = "", headers: str = "", body_schema: Optional[str] = None,
       body_fields: str = "") -> Route:
    return Route(method, path, frozenset(query.split()), frozenset(headers.split()), body_schema,
                 frozenset(body_fields.split()))


ROUTES = {
    "submit": _r("POST", "/v1/experiments", headers="Idempotency-Key", body_schema="ExperimentSpec"),
    "submit_batch": _r("POST", "/v1/experiments/batch", headers="Idempotency-Key", body_schema="BatchRequest",
                       body_fields="items"),
    "list": _r("GET", "/v1/experiments", query="status tag objective optimizer sort limit cursor"),
    "get": _r("GET", "/v1/experiments/{id}"),
    "delete": _r("DELETE", "/v1/experiments/{id}"),
    "cancel": _r("POST", "/v1/experiments/{id}/cancel"),
    "trajectory": _r("GET", "/v1/experiments/{id}/trajectory", query="from to fields every max_points"),
    "events": _r("GET", "/v1/experiments/{id}/events"),
    "create_study": _r("POST", "/v1/studies", body_schema="StudyRequest",
                       body_fields="name base grid experiments loss_target"),
    "get_study": _r("GET", "/v1/studies/{id}"),
    "presets": _r("GET", "/v1/presets"),
    "run_preset": _r("POST", "/v1/presets/{name}/run"),
    "critical_point": _r("POST", "/v1/analysis/critical-point", body_schema="CriticalPointRequest",
                         body_fields="objective dataset seed point step_length"),
    "surface": _r("POST", "/v1/analysis/surface", body_schema="SurfaceRequest",
                  body_fields="objective dataset seed x_range y_range resolution base axes"),
    "analyze_experiment": _r("POST", "/v1/experiments/{id}/analysis", body_schema="ExperimentAnalysisRequest",
                             body_fields="step batch k trace density"),
    "catalog": _r("GET", "/v1/catalog"),
    "health": _r("GET", "/healthz"),
    "ready": _r("GET", "/readyz"),
}
"""The operations the client uses, by name."""
