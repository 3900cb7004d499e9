"""The client and openapi.yaml agree: every route, method, query parameter, header and body field the
client sends is documented, checked both on the route table and on the requests really sent."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Set

import pytest
import yaml

import descent
from conftest import REPO
from descent._routes import ROUTES, Route
from helpers import saddle_spec

# Operations the client leaves out on purpose: SVG, HTML and text endpoints for browsers and Prometheus.
NOT_WRAPPED = {"plotExperiment", "plotStudy", "plotLeaderboard", "dashboard", "metrics", "openapi"}


@pytest.fixture(scope="module")
def spec() -> Dict[str, Any]:
    return yaml.safe_load((REPO / "openapi.yaml").read_text())


def deref(spec: Dict[str, Any], node: Any) -> Any:
    """`node` with a top-level `$ref` followed (repeatedly)."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def operation(spec: Dict[str, Any], route: Route) -> Optional[Dict[str, Any]]:
    item = spec["paths"].get(route.path)
    return None if item is None else item.get(route.method.lower())


def parameters(spec: Dict[str, Any], route: Route, where: str) -> Set[str]:
    item = spec["paths"][route.path]
    params = [deref(spec, p) for p in item.get("parameters", []) + operation(spec, route).get("parameters", [])]
    return {p["name"] for p in params if p["in"] == where}


def body_schema_name(spec: Dict[str, Any], route: Route) -> Optional[str]:
    body = operation(spec, route).get("requestBody")
    if body is None:
        return None
    ref = body["content"]["application/json"]["schema"]["$ref"]
    return ref.rsplit("/", 1)[-1]


def schema_properties(spec: Dict[str, Any], name: str) -> Set[str]:
    return set(spec["components"]["schemas"][name].get("properties", {}))


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_is_an_operation_of_the_spec(spec: Dict[str, Any], name: str) -> None:
    route = ROUTES[name]
    assert operation(spec, route) is not None, f"{route.method} {route.path} is not in openapi.yaml"


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_sends_only_documented_query_parameters_and_headers(spec: Dict[str, Any], name: str) -> None:
    route = ROUTES[name]
    assert route.query <= parameters(spec, route, "query"), f"{name}: undocumented query parameters"
    assert route.headers <= parameters(spec, route, "header"), f"{name}: undocumented headers"
    path_names = set(re.findall(r"\{(\w+)\}", route.path))
    assert path_names == parameters(spec, route, "path")


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_body_is_the_documented_schema_with_documented_fields(spec: Dict[str, Any], name: str) -> None:
    route = ROUTES[name]
    assert route.body_schema == body_schema_name(spec, route)
    if route.body_schema:
        assert route.body_fields <= schema_properties(spec, route.body_schema)


def test_every_json_operation_of_the_spec_is_wrapped(spec: Dict[str, Any]) -> None:
    wrapped = {(r.method.lower(), r.path) for r in ROUTES.values()}
    missing = [op["operationId"] for path, item in spec["paths"].items() for method, op in item.items()
               if method != "parameters" and (method, path) not in wrapped and op["operationId"] not in NOT_WRAPPED]
    assert not missing, f"operations of openapi.yaml the Python client does not offer: {missing}"


def match_route(spec: Dict[str, Any], method: str, path: str) -> str:
    """The openapi path template that `path` fills, for `method`."""
    for template, item in spec["paths"].items():
        pattern = "^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in item:
            # a literal segment beats a parameter (/v1/experiments/batch vs /v1/experiments/{id})
            if "{" not in template or not any(
                    re.match("^" + re.escape(t) + "$", path) for t in spec["paths"] if "{" not in t):
                return template
    raise AssertionError(f"{method} {path} matches no operation of openapi.yaml")


def test_requests_sent_by_every_client_method_are_documented(spec: Dict[str, Any], server) -> None:
    sent: List[descent.RequestRecord] = []
    with descent.Client(server.url) as c:
        c.add_request_hook(sent.append)
        experiment = c.submit(saddle_spec(), idempotency_key="openapi-agreement")
        items = c.submit_many([saddle_spec(), saddle_spec(seed=1)], idempotency_key="openapi-agreement-batch")
        c.wait([experiment, *items], timeout=60)
        list(c.events(experiment))
        c.get(experiment)
        list(c.experiments(status="succeeded", tag="lecture", objective="saddle", optimizer="sgd",
                           filter="optimizer.lr:0.01..1", sort="-summary.final_loss", limit=3, page_size=1))
        c.annotate(experiment, tags=["lecture"], note="agreement")
        c.trajectory(experiment, fields=["loss", "params"], max_points=10, from_step=0, to_step=100, every=2)
        c.cancel(experiment)
        c.wait(c.study(name="s", base=saddle_spec(), grid={"seed": [1, 2]}, loss_target=0.1), timeout=60)
        c.wait(c.study({"experiments": [saddle_spec()]}), timeout=60)
        list(c.studies(name="s", kind="list", state="finished", limit=2, page_size=1))
        search = c.study({"name": "s", "base": saddle_spec(), "search": {
            "space": {"optimizer.lr": {"type": "uniform", "low": 0.01, "high": 0.1}}, "sampler": "random", "trials": 1}})
        c.study_trials_csv(search)
        c.wait(search, timeout=60)
        c.trial_curves(search, 0, max_points=3)
        c.presets()
        c.run_preset("saddle-escape")
        c.analysis.critical_point(experiment, [0, 0], step_length=0.5)
        c.analysis.critical_point("saddle", [0, 0], dataset=None, seed=0)
        c.analysis.surface("saddle", x_range=(-1, 1), y_range=(-1, 1), resolution=3, base=[0, 0], axes=(0, 1))
        c.analysis.experiment(experiment, step=0, batch="full", k=1, trace={"method": "exact"},
                              density={"count": 1, "steps": 2})
        c.analysis.landscape("line", objective="saddle", dataset=None, seed=0, from_=[0, 0], to=(experiment, 0),
                             range=(0, 1), resolution=3)
        c.analysis.landscape("plane", at=experiment, directions="coordinates", direction_seed=1, indices=(0, 1),
                             range=(-1, 1), resolution=3)
        c.analysis.landscape_svg("pca", experiment=experiment, path_points=10, resolution=3)
        small = {"objective": {"type": "mlp", "hidden": [2]}, "optimizer": {"type": "sgd", "lr": 0.1},
                 "dataset": {"type": "synthetic", "generator": "two_moons", "samples": 8}, "steps": 1}
        assert [r["batch_size"] for r in c.analysis.batch_cost(small, [1, 8], epochs=1, repeats=1)["rows"]] == [1, 8]
        assert "<svg" in c.analysis.batch_cost_svg(small, [2], epochs=1, repeats=1)
        split = c.analysis.batch_cost(small, [4], epochs=1, repeats=1, split="lanes")
        assert split["split"] == "lanes" and [r["batch_size"] for r in split["split_rows"]] == [4]
        c.catalog()
        c.health()
        c.ready()
        c.delete(experiment)
    assert {r.route for r in sent} == set(ROUTES)
    for record in sent:
        template = match_route(spec, record.method, record.path)
        route = Route(record.method, template)
        assert set(record.query) <= parameters(spec, route, "query"), f"{record.method} {record.path}: {record.query}"
        extra = {h for h in record.headers} - {"User-Agent", "Accept", "Accept-Encoding", "Content-Type", "Authorization"}
        assert extra <= parameters(spec, route, "header"), f"{record.method} {record.path}: headers {extra}"
        schema = body_schema_name(spec, route)
        if record.body is None:
            continue
        assert schema is not None, f"{record.method} {template} sent a body the spec does not take"
        assert set(record.body) <= schema_properties(spec, schema), f"{record.method} {template}: {set(record.body)}"
