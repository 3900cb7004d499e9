"""`Client`: the Descent HTTP API for scripts and notebooks."""
from __future__ import annotations

import json
import os
import time
from typing import (Any, Callable, Dict, Iterable, Iterator, List, Literal, Mapping, Optional, Sequence,
                    Union, overload)

from ._transport import RequestRecord, Transport
from ._wait import read_events, wait_for
from .analysis import Analysis
from .errors import TransportError, WaitTimeout
from .models import BatchItem, Event, Experiment, Preset, StudyRow, Study, Trajectory

PathLike = Union[str, "os.PathLike[str]"]
SpecLike = Union[Mapping[str, Any], PathLike]
"""An experiment spec: a dict, or the path of a JSON file holding one."""
ExperimentRef = Union[str, Experiment, BatchItem, StudyRow]
"""An experiment: its id, or any record that carries it."""

BATCH_LIMIT = 1000
"""Most specs per `POST /v1/experiments/batch` request (the server's limit)."""

DEFAULT_URL = "http://127.0.0.1:8080"


class _Keep:
    """The default of `Client.annotate`'s `note`: leave the note as it is (None removes it)."""


_KEEP = _Keep()


def load_json(source: SpecLike) -> Dict[str, Any]:
    """A JSON object given as a mapping or as the path of a file holding one."""
    if isinstance(source, Mapping):
        return dict(source)
    with open(os.fspath(source), encoding="utf-8") as file:
        value = json.load(file)
    if not isinstance(value, dict):
        raise ValueError(f"{os.fspath(source)}: expected a JSON object, found {type(value).__name__}")
    return value


def experiment_id(ref: ExperimentRef) -> str:
    """The id of an experiment reference."""
    if isinstance(ref, str):
        return ref
    if isinstance(ref, (Experiment, BatchItem, StudyRow)):
        return ref.id
    raise TypeError(f"expected an experiment id or record, got {type(ref).__name__}")


class Client:
    """A client of one Descent server.

    Args:
        url: the server, e.g. `http://127.0.0.1:8080` (default `$DESCENT_URL`, else that address).
        token: bearer token for POST and DELETE when the server has one (default `$DESCENT_AUTH_TOKEN`).
        timeout: seconds to wait for one response (default 30; waits and event streams have their own).
        max_retries: how often a request answered 429 (queue full), or 503 with `Retry-After`, is sent
            again after the delay the server asks for (default 5; 0 = never).
        max_retry_wait: most seconds spent waiting between retries of one request (default 120).
        gzip: ask for gzip-compressed bodies (default True; helps large trajectories over a network).

    Connections are kept alive (one per thread) until `close()`; use the client as a context manager to
    close them at the end. Errors: `APIError` (the server's code, message and field path), `TransportError`
    (no connection or a malformed answer), `WaitTimeout`.
    """

    def __init__(self, url: Optional[str] = None, token: Optional[str] = None, *, timeout: float = 30.0,
                 max_retries: int = 5, max_retry_wait: float = 120.0, gzip: bool = True) -> None:
        url = url or os.environ.get("DESCENT_URL") or DEFAULT_URL
        token = token if token is not None else os.environ.get("DESCENT_AUTH_TOKEN") or None
        self._transport = Transport(url, token, timeout=timeout, max_retries=max_retries,
                                    max_retry_wait=max_retry_wait, gzip=gzip)
        self.analysis = Analysis(self._transport)
        """Critical points and loss surfaces (`client.analysis.critical_point(...)`)."""

    @property
    def url(self) -> str:
        """The server's base URL."""
        return self._transport.base_url

    def __repr__(self) -> str:
        return f"Client({self.url!r})"

    def close(self) -> None:
        """Closes the keep-alive connections (the client stays usable and reconnects when asked)."""
        self._transport.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add_request_hook(self, hook: Callable[[RequestRecord], None]) -> None:
        """Calls `hook` after every request with what was sent and the final status (for logging)."""
        self._transport.settings.hooks.append(hook)

    # ---------------------------------------------------------------- experiments

    def submit(self, spec: SpecLike, *, idempotency_key: Optional[str] = None) -> Experiment:
        """Queues one experiment (`POST /v1/experiments`) and returns it (status `queued`).

        Args:
            spec: the experiment spec (see docs/spec.md), or the path of a JSON file holding it.
            idempotency_key: with the same key and spec, the first experiment is returned instead of a new
                one; the same key with another spec is a 409 `APIError`.
        Raises:
            APIError: 422 for an invalid spec (`field` names the first problem, `errors` all of them);
                429 when the queue stays full through the retries.
        """
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        response = self._transport.call("submit", body=load_json(spec), headers=headers)
        return Experiment.from_json(json.loads(response.body))

    def submit_many(self, specs: Iterable[SpecLike], *, idempotency_key: Optional[str] = None) -> List[BatchItem]:
        """Queues many experiments through `POST /v1/experiments/batch`, in order.

        Up to 1,000 specs go in one request, stored all or none; more are sent as several requests of
        1,000 (each all or none; with `idempotency_key`, request k uses the key `<key>/k`).
        Returns one `BatchItem` (id, status) per spec, in the order given.
        """
        loaded = [load_json(s) for s in specs]
        if not loaded:
            return []
        items: List[BatchItem] = []
        chunks = [loaded[i:i + BATCH_LIMIT] for i in range(0, len(loaded), BATCH_LIMIT)]
        for k, chunk in enumerate(chunks):
            key = None
            if idempotency_key:
                key = idempotency_key if len(chunks) == 1 else f"{idempotency_key}/{k}"
            response = self._transport.call("submit_batch", body={"items": chunk}, composed_body=True,
                                            headers={"Idempotency-Key": key} if key else None)
            items += [BatchItem.from_json(i) for i in json.loads(response.body)["items"]]
        return items

    def _paged(self, route: str, query: Dict[str, Any], *, limit: Optional[int],
               page_size: int) -> Iterator[Dict[str, Any]]:
        """The items of a cursor-paged listing route, fetched lazily `page_size` per request, at most `limit`."""
        cursor: Optional[str] = None
        yielded = 0
        while limit is None or yielded < limit:
            size = page_size if limit is None else max(1, min(page_size, limit - yielded))
            page = json.loads(self._transport.call(route, query={**query, "limit": size, "cursor": cursor}).body)
            for item in page.get("items") or []:
                yield item
                yielded += 1
                if limit is not None and yielded >= limit:
                    return
            cursor = page.get("next_cursor")
            if not cursor:
                return

    def get(self, experiment: ExperimentRef) -> Experiment:
        """The experiment as it is now (`GET /v1/experiments/{id}`)."""
        response = self._transport.call("get", path_params={"id": experiment_id(experiment)})
        return Experiment.from_json(json.loads(response.body))

    def experiments(self, *, status: Optional[str] = None, tag: Optional[str] = None,
                    objective: Optional[str] = None, optimizer: Optional[str] = None,
                    filter: Optional[str] = None, sort: Optional[str] = None, limit: Optional[int] = None,
                    page_size: int = 500) -> Iterator[Experiment]:
        """Experiments matching the filters, newest first (`sort="created_at"` for oldest first).

        `filter` takes field conditions joined by commas (`"optimizer.lr:0.001..0.1,optimizer.type:adam"`);
        `sort` also takes a field, `"-summary.final_loss"` or `"optimizer.lr"` (docs/api.md, "Listing by fields").

        Follows the pages of `GET /v1/experiments` lazily, `page_size` (1 … 500) per request; `limit` caps
        the number yielded (None = all).
        """
        query = {"status": status, "tag": tag, "objective": objective, "optimizer": optimizer,
                 "filter": filter, "sort": sort}
        for item in self._paged("list", query, limit=limit, page_size=page_size):
            yield Experiment.from_json(item)

    def annotate(self, experiment: ExperimentRef, *, tags: Optional[List[str]] = None,
                 note: Union[str, None, _Keep] = _KEEP) -> Experiment:
        """Replaces the experiment's tags and/or sets its note (`note=None` removes it); returns it.

        `PATCH /v1/experiments/{id}`: new tags replace the spec's; the run is unaffected.
        """
        body: Dict[str, Any] = {}
        if tags is not None:
            body["tags"] = list(tags)
        if not isinstance(note, _Keep):
            body["note"] = note
        response = self._transport.call("annotate", path_params={"id": experiment_id(experiment)}, body=body,
                                        composed_body=True)
        return Experiment.from_json(json.loads(response.body))

    def cancel(self, experiment: ExperimentRef) -> Experiment:
        """Cancels a queued or running experiment (a running one stops within a step); returns it."""
        response = self._transport.call("cancel", path_params={"id": experiment_id(experiment)})
        return Experiment.from_json(json.loads(response.body))

    def delete(self, experiment: ExperimentRef) -> None:
        """Deletes the experiment and its trajectory (cancelling it first if it runs)."""
        self._transport.call("delete", path_params={"id": experiment_id(experiment)})

    def events(self, experiment: ExperimentRef) -> Iterator[Event]:
        """The experiment's live events (`status`, `progress`, then `end` with the final experiment).

        The iterator ends after `end`; closing it (or leaving a `for` loop) closes the connection.
        Raises `TransportError` when the stream breaks or sends nothing for 30 s.
        """
        eid = experiment_id(experiment)
        stream = self._transport.open_stream("events", {"id": eid}, 30.0)
        try:
            yield from read_events(stream, eid, None)
        finally:
            stream.close()

    @overload
    def wait(self, target: Study, timeout: Optional[float] = ..., *,
             on_event: Optional[Callable[[Event], None]] = ..., poll_interval: float = ...) -> Study: ...

    @overload
    def wait(self, target: ExperimentRef, timeout: Optional[float] = ..., *,  # type: ignore[overload-overlap]
             on_event: Optional[Callable[[Event], None]] = ..., poll_interval: float = ...) -> Experiment: ...

    @overload
    def wait(self, target: Iterable[ExperimentRef], timeout: Optional[float] = ..., *,
             on_event: Optional[Callable[[Event], None]] = ..., poll_interval: float = ...) -> List[Experiment]: ...

    def wait(self, target: Any, timeout: Optional[float] = 600.0, *,
             on_event: Optional[Callable[[Event], None]] = None, poll_interval: float = 0.2) -> Any:
        """Waits until experiments reach a final status; returns them as they ended.

        Args:
            target: one experiment (id or record) → that `Experiment`; several (a list, the result of
                `submit_many`) → a list of `Experiment` in the same order; a `Study` → the study again once
                every member is final.
            timeout: seconds for everything (default 600; None = no limit); past it raises `WaitTimeout`
                whose `pending` lists the ids not finished.
            on_event: called with each `Event` read from the event streams (progress display).
            poll_interval: seconds between status polls when event streams are not available (default 0.2).

        Follows each experiment's event stream (`GET /v1/experiments/{id}/events`) to its `end`; when a
        stream cannot be opened, breaks or ends early, polls `GET /v1/experiments/{id}` instead. A final
        status other than `succeeded` is returned, not raised: check `experiment.status`.
        """
        if isinstance(target, Study):
            return self._wait_study(target, timeout, on_event, poll_interval)
        if isinstance(target, (str, Experiment, BatchItem, StudyRow)):
            eid = experiment_id(target)
            return wait_for(self, [eid], timeout, on_event, poll_interval)[eid]
        ids = [experiment_id(t) for t in target]
        done = wait_for(self, ids, timeout, on_event, poll_interval)
        return [done[i] for i in ids]

    def _wait_study(self, study: Study, timeout: Optional[float], on_event: Optional[Callable[[Event], None]],
                    poll_interval: float) -> Study:
        started = time.monotonic()
        wait_for(self, study.ids, timeout, on_event, poll_interval)
        # Every member is final; the study's own status follows from its members' on the next read.
        while True:
            current = self.get_study(study.id)
            if current.done:
                return current
            if timeout is not None and time.monotonic() - started >= timeout:
                raise WaitTimeout(f"study {study.id} still {current.status} after {timeout:g} s", [study.id])
            time.sleep(poll_interval)

    @overload
    def trajectory(self, experiment: ExperimentRef, *, fields: Union[str, Sequence[str], None] = ...,
                   max_points: Optional[int] = ..., from_step: Optional[int] = ..., to_step: Optional[int] = ...,
                   every: Optional[int] = ..., as_frame: Literal[False] = ...) -> Trajectory: ...

    @overload
    def trajectory(self, experiment: ExperimentRef, *, fields: Union[str, Sequence[str], None] = ...,
                   max_points: Optional[int] = ..., from_step: Optional[int] = ..., to_step: Optional[int] = ...,
                   every: Optional[int] = ..., as_frame: Literal[True]) -> Any: ...

    def trajectory(self, experiment: ExperimentRef, *, fields: Union[str, Sequence[str], None] = None,
                   max_points: Optional[int] = None, from_step: Optional[int] = None, to_step: Optional[int] = None,
                   every: Optional[int] = None, as_frame: bool = False) -> Any:
        """The recorded trajectory (partial while the run goes on) as columns, or a DataFrame.

        Args:
            fields: a subset of `epoch`, `lr`, `loss`, `grad_norm`, `params`, `internals` (list or
                comma-separated; default all; `internals` only for runs with `record_internals`); `step` always comes.
            max_points: at most this many rows (≥ 3), downsampled by the server keeping each bucket's
                first, last, lowest- and highest-loss rows.
            from_step, to_step: inclusive step range.
            every: keep every k-th row.
            as_frame: return a pandas DataFrame instead of a `Trajectory` (needs pandas).
        Returns:
            A `Trajectory`: a mapping of columns `step`, `epoch`, `lr`, `loss`, `grad_norm`, `p0`… and the
            optimizer internals by name (`m[0]`, …), with `params`, `internal_names`, `epochs`, `total`, `count`
            and `downsampled`.
        """
        if isinstance(fields, (list, tuple)):
            fields = ",".join(fields)
        query = {"fields": fields, "max_points": max_points, "from": from_step, "to": to_step, "every": every}
        response = self._transport.call("trajectory", path_params={"id": experiment_id(experiment)}, query=query)
        try:
            trajectory = Trajectory(json.loads(response.body))
        except ValueError as error:
            raise TransportError(f"trajectory of {experiment_id(experiment)}: answer is not JSON: {error}") from error
        return trajectory.to_frame() if as_frame else trajectory

    # ---------------------------------------------------------------- studies and presets

    def study(self, request: Optional[SpecLike] = None, *, name: Optional[str] = None,
              base: Optional[SpecLike] = None, grid: Optional[Mapping[str, Sequence[Any]]] = None,
              experiments: Optional[Iterable[SpecLike]] = None, loss_target: Optional[float] = None) -> Study:
        """Starts a study (`POST /v1/studies`): a grid over a base spec, or a list of specs (or, given whole as
        `request`, a search or a comparison; see docs/api.md).

        Either pass a whole study request (a dict or the path of a JSON file), or build one:
        `base` + `grid` (dotted spec paths → values, e.g. `{"optimizer.lr": [0.01, 0.1], "seed": [1, 2]}`;
        the cartesian product is run) or `experiments` (a list of specs). `loss_target` adds the
        `steps_to_target` column. Keywords given with `request` replace its keys.
        Returns the `Study` (every member queued); `wait(study)` waits for it.
        """
        composed = request is None
        body: Dict[str, Any] = {} if request is None else load_json(request)
        if name is not None:
            body["name"] = name
        if base is not None:
            body["base"] = load_json(base)
        if grid is not None:
            body["grid"] = {k: list(v) for k, v in grid.items()}
        if experiments is not None:
            body["experiments"] = [load_json(s) for s in experiments]
        if loss_target is not None:
            body["loss_target"] = loss_target
        response = self._transport.call("create_study", body=body, composed_body=composed)
        return Study.from_json(json.loads(response.body))

    def get_study(self, study: Union[str, Study]) -> Study:
        """The study as it is now, with its results table (`GET /v1/studies/{id}`)."""
        sid = study.id if isinstance(study, Study) else study
        return Study.from_json(json.loads(self._transport.call("get_study", path_params={"id": sid}).body))

    def studies(self, *, name: Optional[str] = None, kind: Optional[str] = None, state: Optional[str] = None,
                limit: Optional[int] = None, page_size: int = 500) -> Iterator[Dict[str, Any]]:
        """Study headers, newest first (`GET /v1/studies`): dicts with `id`, `name`, `kind` (`search` or
        `list`), `created_at`, `experiments`, `loss_target`, `state`. `get_study(id)` has the results.

        Filters: `name` (ASCII letters without case), `kind`, `state` (`searching` or `finished`). Follows the
        pages lazily, `page_size` (1 … 500) per request; `limit` caps the number yielded (None = all).
        """
        query = {"name": name, "kind": kind, "state": state}
        for item in self._paged("list_studies", query, limit=limit, page_size=page_size):
            yield dict(item)

    def study_trials_csv(self, study: Union[str, Study]) -> str:
        """A search study's trials as CSV text (`GET /v1/studies/{id}/trials.csv`): one row per trial with its
        state, value, searched values, replicates and mean metrics; `pandas.read_csv(io.StringIO(text))` reads it."""
        sid = study.id if isinstance(study, Study) else study
        return self._transport.call("study_trials_csv", path_params={"id": sid}).body.decode("utf-8")

    def trial_curves(self, study: Union[str, Study], trial: int, *, max_points: Optional[int] = None) -> Dict[str, Any]:
        """The per-step spread of a search trial's replicate loss curves
        (`GET /v1/studies/{id}/trials/{number}/curves`): `{"trial", "curves": {"runs", "step", "loss_mean",
        "loss_std", "loss_min", "loss_max"}}` on a grid of at most `max_points` steps (server default 200)."""
        sid = study.id if isinstance(study, Study) else study
        response = self._transport.call("trial_curves", path_params={"id": sid, "number": str(trial)},
                                        query={"max_points": max_points})
        return dict(json.loads(response.body))

    def leaderboard(self, study: Union[str, Study]) -> Optional[Dict[str, Any]]:
        """A comparison's leaderboard (the `comparison` block of `GET /v1/studies/{id}`): `{"confirm", "target",
        "problems": [{"problem", "winner", "entries": [{"rank", "optimizer", "params", "value", "ratio_to_winner",
        "final_loss": {"final_loss_mean", "final_loss_std", …}, "steps_to_target_mean", "wall_ms_mean", …}]}]}`;
        None for a study that is not a comparison. Start one with `study({"compare": {...}, "search": {...}})`."""
        board = self.get_study(study).raw.get("comparison")
        return None if board is None else dict(board)

    def presets(self) -> List[Preset]:
        """The lecture's comparisons, ready to run (`GET /v1/presets`)."""
        items = json.loads(self._transport.call("presets").body).get("items") or []
        return [Preset.from_json(p) for p in items]

    def run_preset(self, name: str) -> Union[Experiment, Study, Dict[str, Any]]:
        """Submits a preset by name (`momentum`, `saddle-escape`, …): a `Study`, or an `Experiment` for
        single-run presets; a `batch_cost` preset (`batch-cost`) answers with its measurement, as
        `analysis.batch_cost` does (a dict)."""
        obj = json.loads(self._transport.call("run_preset", path_params={"name": name}).body)
        if "rows" in obj:
            return dict(obj)
        return Experiment.from_json(obj) if "spec" in obj else Study.from_json(obj)

    # ---------------------------------------------------------------- service

    def catalog(self) -> Dict[str, Any]:
        """Every objective, dataset, optimizer and schedule with its parameters (`GET /v1/catalog`)."""
        return dict(json.loads(self._transport.call("catalog").body))

    def health(self) -> bool:
        """True when the server answers `GET /healthz`; a connection failure raises `TransportError`."""
        return bool(json.loads(self._transport.call("health").body).get("status") == "ok")

    def ready(self) -> Dict[str, Any]:
        """`GET /readyz`: `{"status": "ready", "store": true, "workers": true}` (a 503 raises `APIError`)."""
        return dict(json.loads(self._transport.call("ready").body))

    # ---------------------------------------------------------------- plots (matplotlib)

    def plot_loss(self, targets: Any, **options: Any) -> Any:
        """Loss vs step of one or more experiments (or a study's), log scale; see `descent.plots.plot_loss`."""
        from .plots import plot_loss
        return plot_loss(self, targets, **options)

    def plot_path(self, targets: Any, **options: Any) -> Any:
        """Parameter path(s) over the loss contours; see `descent.plots.plot_path`."""
        from .plots import plot_path
        return plot_path(self, targets, **options)
