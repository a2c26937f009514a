"""Replications of a scenario: seeds, parallel execution, and tables bound in order.

``run`` compiles the scenario once, hands ``(spec, seed, replication)`` tasks to any
``concurrent.futures.Executor`` (or runs them in this process), and binds the
results in replication order, so the same seed gives the same tables whatever the
number of workers.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mppsim.experiment.budget import check_budget
from mppsim.experiment.executors import default_in_flight, deferred_signals
from mppsim.model.compile import compile_scenario
from mppsim.model.engine import ReplicationResult, simulate_spec
from mppsim.model.spec import ModelSpec
from mppsim.stats.intervals import summarize
from mppsim.stats.metrics import (
    LONG_WAIT_MIN,
    METRICS,
    ZONE_METRICS,
    StationWindow,
    replication_metrics,
    timeseries,
    zone_metrics,
)
from mppsim.tables import KINDS, empty_visits, scope_table

if TYPE_CHECKING:
    from mppsim.scenario.schema import Scenario

__all__ = [
    "RunResult",
    "iter_replications",
    "replicate_scopes",
    "run",
    "run_summary",
    "simulate",
    "summary_dict",
]


@dataclass(frozen=True)
class RunResult:
    """The tables of a run of several replications.

    Attributes
    ----------
    scenario : Scenario
        The scenario that ran.
    seed : int
        Root seed.
    replications : int
        Number of replications.
    visits : pandas.DataFrame
        Visit rows of every replication (``tables.VISIT_COLUMNS``).
    timeseries : pandas.DataFrame
        Time-binned levels (``tables.TIMESERIES_COLUMNS``).
    metrics : pandas.DataFrame
        One row per replication and scope with the ``stats.metrics.METRICS``.
    zone_metrics : pandas.DataFrame or None
        With a layout: one row per replication and zone with ``stats.metrics.ZONE_METRICS``.
    summary : dict
        Means and 95% half-widths over replications, as written to summary.json.
    wall_time_s : float
        Seconds the simulation took.
    """

    scenario: Scenario
    seed: int
    replications: int
    visits: pd.DataFrame
    timeseries: pd.DataFrame
    metrics: pd.DataFrame
    zone_metrics: pd.DataFrame | None
    summary: dict[str, Any]
    wall_time_s: float


def simulate(scenario: Scenario, seed: int = 0, replication: int = 0) -> ReplicationResult:
    """Simulate one replication of a scenario.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (see ``load_scenario``).
    seed : int
        Root seed, ``>= 0``.
    replication : int
        Replication index; replication ``r`` of seed ``s`` is the same in every run.

    Returns
    -------
    ReplicationResult
        Visits and level log of the replication.
    """
    return simulate_spec(compile_scenario(scenario), seed, replication)


def station_windows(spec: ModelSpec) -> dict[str, StationWindow]:
    """Return the observation window of every station of a compiled model."""
    windows = {}
    for station in spec.stations:
        if spec.mode == "horizon":
            window = StationWindow(
                KINDS[station.kind], spec.warmup_min, spec.observe_end_min, False
            )
        else:
            window = StationWindow(KINDS[station.kind], station.open_min, station.close_min, True)
        windows[station.name] = window
    return windows


Replicated = tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, "pd.DataFrame | None"]
"""What one replication hands back: visits, time series, metrics, zone metrics."""


def _replicate(
    spec: ModelSpec,
    seed: int,
    replication: int,
    *,
    with_series: bool = True,
    long_wait_min: float = LONG_WAIT_MIN,
) -> Replicated:
    """Task run by a worker: one replication and its per-replication tables."""
    result = simulate_spec(spec, seed, replication)
    windows = station_windows(spec)
    arrival_window = (-math.inf, math.inf)
    if spec.mode == "horizon":
        arrival_window = (spec.warmup_min, spec.observe_end_min)
    metrics = replication_metrics(
        result.visits,
        result.levels,
        windows,
        arrival_window=arrival_window,
        waiting_at_close=result.waiting_at_close,
        long_wait_min=long_wait_min,
    )
    metrics.insert(0, "replication", replication)
    edges = _bin_edges(spec, result)
    zones = None
    seats = None
    if spec.layout is not None:
        if spec.mode == "horizon":
            window = peak = (spec.warmup_min, spec.observe_end_min)
        else:
            window, peak = (spec.open_min, spec.close_min), (float(edges[0]), float(edges[-1]))
        seats = dict(zip(spec.layout.zones, spec.layout.seats, strict=True))
        zones = zone_metrics(result.zone_levels, seats, window=window, peak_window=peak)
        zones.insert(0, "replication", replication)
    zone_levels = result.zone_levels if spec.layout is not None else None
    series = None
    if with_series:
        series = timeseries(result.levels, windows, edges, replication, zone_levels, seats)
    return result.visits, series, metrics, zones


def replicate_scopes(
    spec: ModelSpec, seed: int, replications: Sequence[int], standard_min: float = LONG_WAIT_MIN
) -> pd.DataFrame:
    """Run some replications and return only their per-scope figures.

    The task of sweeps and comparisons: several replications per task keep scheduling
    cheap next to a simulated day, and no visit or time-series table is built or sent.

    Parameters
    ----------
    spec : ModelSpec
        The compiled model.
    seed : int
        Root seed.
    replications : sequence of int
        Replication indices; replication ``r`` is the same in every run of `seed`.
    standard_min : float, optional
        Service standard, minutes: the column ``within_standard`` is the share of served
        visitors (requests) who waited at most this long. With a standard other than 15
        minutes, ``prob_wait_gt_15_min`` is left NaN (it would count the other standard).

    Returns
    -------
    pandas.DataFrame
        :func:`mppsim.tables.scope_table` of these replications, in their order, and
        ``within_standard``.
    """
    kinds = {"mpp": "mpp", **{s.name: KINDS[s.kind] for s in spec.stations}}
    parts = []
    for r in replications:
        _, _, metrics, zones = _replicate(
            spec, seed, r, with_series=False, long_wait_min=standard_min
        )
        table = scope_table(metrics, zones, kinds)
        table["within_standard"] = 1.0 - table["prob_wait_gt_15_min"]
        if standard_min != LONG_WAIT_MIN:
            table["prob_wait_gt_15_min"] = np.nan
        parts.append(table)
    return pd.concat(parts, ignore_index=True)


def _bin_edges(spec: ModelSpec, result: ReplicationResult) -> np.ndarray:
    width = spec.timeseries_bin_min
    if spec.mode == "horizon":
        start, end = 0.0, spec.observe_end_min
    else:
        first = result.levels["time_min"].min() if len(result.levels) else spec.open_min
        start = min(spec.open_min, spec.arrival_edges[0], first)
        end = max(spec.close_min, result.end_min)
    start = math.floor(start / width) * width
    n_bins = max(1, math.ceil((end - start) / width))
    return start + width * np.arange(n_bins + 1)


def run(
    scenario: Scenario,
    replications: int = 10,
    seed: int = 0,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
) -> RunResult:
    """Run replications of a scenario and summarize them.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.
    replications : int
        Number of replications, ``>= 1``.
    seed : int
        Root seed, ``>= 0``.
    executor : concurrent.futures.Executor, optional
        Where replications run (e.g. a ``ProcessPoolExecutor``); default: this process.
    progress : callable, optional
        Called with the number of finished replications after each one.

    Returns
    -------
    RunResult
        Tables bound in replication order, and the summary.
    """
    if replications < 1:
        raise ValueError("replications must be at least 1")
    check_budget(scenario, scenario.name, replications=replications, keep_tables=True)
    started = time.perf_counter()
    spec = compile_scenario(scenario)
    outputs = []
    for r, output in iter_replications(spec, replications, seed, executor):
        outputs.append(output)
        if progress is not None:
            progress(r + 1)
    visits = pd.concat([o[0] for o in outputs], ignore_index=True) if outputs else empty_visits()
    series = pd.concat([o[1] for o in outputs], ignore_index=True)
    metrics = pd.concat([o[2] for o in outputs], ignore_index=True)
    zones = None
    if spec.layout is not None:
        zones = pd.concat([o[3] for o in outputs], ignore_index=True)
    for column in ("station", "service", "stage"):
        visits[column] = visits[column].astype("category")
    elapsed = time.perf_counter() - started
    summary = run_summary(metrics, zones, scenario_name=scenario.name, seed=seed, spec=spec)
    return RunResult(scenario, seed, replications, visits, series, metrics, zones, summary, elapsed)


def iter_replications(
    spec: ModelSpec,
    replications: int,
    seed: int,
    executor: Executor | None = None,
    *,
    in_flight: int | None = None,
) -> Iterator[tuple[int, Replicated]]:
    """Run replications and yield their tables in replication order.

    Parameters
    ----------
    spec : ModelSpec
        The compiled model.
    replications : int
        Number of replications.
    seed : int
        Root seed.
    executor : concurrent.futures.Executor, optional
        Where replications run; default: this process, one after the other.
    in_flight : int, optional
        Most replications submitted to the executor and not yet yielded (default
        :func:`~mppsim.experiment.executors.default_in_flight`): the rest are submitted
        as earlier ones are yielded, so memory does not grow with ``replications``.

    Yields
    ------
    tuple of (int, tuple of DataFrame)
        The replication index and its visits, time series, metrics and zone metrics
        (None without a layout). When the caller stops iterating (or an exception
        reaches it), replications not yet started are cancelled.
    """
    if executor is None:
        for r in range(replications):
            yield r, _replicate(spec, seed, r)
        return
    limit = max(1, in_flight if in_flight is not None else default_in_flight(executor))
    pending: deque[tuple[int, Future[Replicated]]] = deque()
    submitted = 0
    try:
        while pending or submitted < replications:
            while submitted < replications and len(pending) < limit:
                with deferred_signals():  # submit takes the pool's locks
                    pending.append((submitted, executor.submit(_replicate, spec, seed, submitted)))
                submitted += 1
            r, future = pending.popleft()
            yield r, future.result()
    finally:
        for _, future in pending:
            future.cancel()


def run_summary(
    metrics: pd.DataFrame,
    zones: pd.DataFrame | None,
    *,
    scenario_name: str,
    seed: int,
    spec: ModelSpec,
) -> dict[str, Any]:
    """Return summary.json's content from the per-replication metrics alone.

    Parameters
    ----------
    metrics : pandas.DataFrame
        One row per replication and scope (``RunResult.metrics``).
    zones : pandas.DataFrame or None
        One row per replication and zone (``RunResult.zone_metrics``), with a layout.
    scenario_name : str
        The scenario's name.
    seed : int
        Root seed.
    spec : ModelSpec
        The compiled model (station kinds).

    Returns
    -------
    dict
        Means and 95% half-widths per scope; ``zones`` with a layout.
    """
    summary = summary_dict(metrics, scenario_name=scenario_name, seed=seed, spec=spec)
    if zones is not None:
        table = summarize(zones, ["scope"], list(ZONE_METRICS))
        summary["zones"] = {
            row["scope"]: {k: _json_number(row[k]) for k in table.columns if k != "scope"}
            for row in table.to_dict("records")
        }
    return summary


def summary_dict(
    metrics: pd.DataFrame, *, scenario_name: str, seed: int, spec: ModelSpec
) -> dict[str, Any]:
    """Return summary.json's content: mean and 95% half-width of every metric per scope."""
    table = summarize(metrics, ["scope"], list(METRICS))
    by_scope = {
        row["scope"]: {key: _json_number(row[key]) for key in table.columns if key != "scope"}
        for row in table.to_dict("records")
    }
    kinds = {station.name: KINDS[station.kind] for station in spec.stations}
    summary: dict[str, Any] = {
        "scenario": scenario_name,
        "mode": spec.mode,
        "seed": seed,
        "replications": int(metrics["replication"].nunique()),
        "mpp": by_scope["mpp"],
        "agencies": {name: by_scope[name] for name, kind in kinds.items() if kind == "agency"},
    }
    for name, kind in kinds.items():
        if kind != "agency":
            summary[name] = by_scope[name]
    return summary


def _json_number(value: Any) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None
