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


_LANDSCAPE_FIELDS = ("kind objective dataset seed range resolution from to at directions direction_seed indices "
                     "experiment path_points")

ROUTES = {
    "submit": _r("POST", "/v1/experiments", headers="Idempotency-Key", body_schema="ExperimentSpec"),
    "submit_batch": _r("POST", "/v1/experiments/batch", headers="Idempotency-Key", body_schema="BatchRequest",
                       body_fields="items"),
    "list": _r("GET", "/v1/experiments", query="status tag objective optimizer filter sort limit cursor"),
    "get": _r("GET", "/v1/experiments/{id}"),
    "delete": _r("DELETE", "/v1/experiments/{id}"),
    "annotate": _r("PATCH", "/v1/experiments/{id}", body_schema="ExperimentAnnotation", body_fields="tags note"),
    "cancel": _r("POST", "/v1/experiments/{id}/cancel"),
    "trajectory": _r("GET", "/v1/experiments/{id}/trajectory", query="from to fields every max_points"),
    "events": _r("GET", "/v1/experiments/{id}/events"),
    "create_study": _r("POST", "/v1/studies", body_schema="StudyRequest",
                       body_fields="name base grid experiments loss_target"),
    "get_study": _r("GET", "/v1/studies/{id}"),
    "list_studies": _r("GET", "/v1/studies", query="name kind state limit cursor"),
    "study_trials_csv": _r("GET", "/v1/studies/{id}/trials.csv"),
    "trial_curves": _r("GET", "/v1/studies/{id}/trials/{number}/curves", query="max_points"),
    "presets": _r("GET", "/v1/presets"),
    "run_preset": _r("POST", "/v1/presets/{name}/run"),
    "critical_point": _r("POST", "/v1/analysis/critical-point", body_schema="CriticalPointRequest",
                         body_fields="objective dataset seed point step_length"),
    "surface": _r("POST", "/v1/analysis/surface", body_schema="SurfaceRequest",
                  body_fields="objective dataset seed x_range y_range resolution base axes"),
    "landscape": _r("POST", "/v1/analysis/landscape", body_schema="LandscapeRequest", body_fields=_LANDSCAPE_FIELDS),
    "landscape_svg": _r("POST", "/v1/analysis/landscape.svg", body_schema="LandscapeRequest", body_fields=_LANDSCAPE_FIELDS),
    "batch_cost": _r("POST", "/v1/analysis/batch-cost", body_schema="BatchCostRequest",
                     body_fields="spec batch_sizes epochs repeats split"),
    "batch_cost_svg": _r("POST", "/v1/analysis/batch-cost.svg", body_schema="BatchCostRequest",
                         body_fields="spec batch_sizes epochs repeats split"),
    "analyze_experiment": _r("POST", "/v1/experiments/{id}/analysis", body_schema="ExperimentAnalysisRequest",
                             body_fields="step batch k trace density"),
    "catalog": _r("GET", "/v1/catalog"),
    "health": _r("GET", "/healthz"),
    "ready": _r("GET", "/readyz"),
}
"""The operations the client uses, by name."""
