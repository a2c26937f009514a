"""Sweeps: many variants of a scenario, each replicated, run in chunks on any executor.

Replication ``r`` of every point uses the streams of ``(seed, r)``, so the points see
the same visitors (common random numbers) and a difference between two points is the
change, not noise. Work goes to a ``concurrent.futures.Executor`` (a local process
pool, or a Dask cluster's executor) in chunks of several replications, so scheduling
costs little next to a simulated day; results are bound in (point, replication) order,
so the tables are the same whatever the executor or the number of workers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mppsim.experiment.replications import replicate_scopes
from mppsim.model.compile import compile_scenario
from mppsim.stats.intervals import summarize
from mppsim.stats.metrics import LONG_WAIT_MIN

if TYPE_CHECKING:
    from mppsim.scenario.schema import Scenario
    from mppsim.scenario.vary import SweepDesign

__all__ = [
    "CHUNK_RUNS",
    "SweepResult",
    "chunks",
    "results_of_design",
    "run_points",
    "summarize_points",
    "sweep",
]

CHUNK_RUNS = 8
"""Replications per task at most: about 0.3 s of work for a simulated MPP day of 40 ms,
against a few milliseconds of scheduling per task (process pool or Dask)."""

LOST = ("balked", "reneged", "turned_away", "no_show")
"""What ``lost`` adds up: visitors (requests) not served."""


@dataclass(frozen=True)
class SweepResult:
    """The tables of a sweep.

    Attributes
    ----------
    varied : tuple of str
        Paths of the varied fields; each is a column of the tables.
    design : pandas.DataFrame
        One row per point: ``point`` and the varied values.
    points : pandas.DataFrame
        One row per point, replication and scope: ``point``, the varied values,
        ``replication, scope, kind`` and every figure (:func:`mppsim.tables.scope_table`),
        ``within_standard`` and ``lost`` (balked, reneged, turned away or absent).
    summary : pandas.DataFrame
        One row per point and scope: the mean of every figure and its 95% half-width
        (``_ci95``).
    replications : int
        Replications per point.
    seed : int
        Root seed.
    """

    varied: tuple[str, ...]
    design: pd.DataFrame
    points: pd.DataFrame
    summary: pd.DataFrame
    replications: int
    seed: int


def chunks(replications: int, size: int = CHUNK_RUNS) -> list[list[int]]:
    """Split ``range(replications)`` into near-equal consecutive chunks of at most `size`."""
    n = max(1, math.ceil(replications / max(1, size)))
    return [list(map(int, part)) for part in np.array_split(np.arange(replications), n)]


def run_points(
    scenarios: Sequence[Scenario],
    replications: int,
    seed: int,
    executor: Executor | None = None,
    *,
    standard_min: float = LONG_WAIT_MIN,
    done: Mapping[int, pd.DataFrame] | None = None,
    on_point: Callable[[int, pd.DataFrame], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    chunk_runs: int = CHUNK_RUNS,
    in_flight: int = 64,
) -> list[pd.DataFrame]:
    """Run replications of several scenarios with common random numbers.

    Parameters
    ----------
    scenarios : sequence of Scenario
        The points (or plans), validated.
    replications : int
        Replications per scenario, ``>= 1``.
    seed : int
        Root seed, ``>= 0``.
    executor : concurrent.futures.Executor, optional
        Where chunks run; default: this process.
    standard_min : float, optional
        Service standard for the ``within_standard`` figure, minutes.
    done : mapping of int to DataFrame, optional
        Points already finished (by index), e.g. read back to resume: not run again.
    on_point : callable, optional
        Called with a point's index and its table when all its replications are done
        (in completion order), e.g. to keep it on disk.
    progress : callable, optional
        Called with (points done, replications done) after each chunk.
    chunk_runs : int, optional
        Replications per task at most.
    in_flight : int, optional
        Most tasks submitted and not yet finished (memory stays bounded).

    Returns
    -------
    list of pandas.DataFrame
        Per scenario, its scope table (:func:`~mppsim.experiment.replications.replicate_scopes`)
        in replication order.
    """
    if replications < 1:
        raise ValueError("replications must be at least 1")
    done = dict(done or {})
    parts = chunks(replications, chunk_runs)
    tables: dict[int, pd.DataFrame] = dict(done)
    todo = [(i, c) for i in range(len(scenarios)) if i not in done for c in range(len(parts))]
    specs: dict[int, Any] = {}
    pieces: dict[int, dict[int, pd.DataFrame]] = {}
    runs = len(done) * replications

    def finish(point: int, chunk: int, table: pd.DataFrame) -> None:
        nonlocal runs
        pieces.setdefault(point, {})[chunk] = table
        runs += len(parts[chunk])
        if len(pieces[point]) == len(parts):
            got = pieces.pop(point)
            whole = pd.concat([got[c] for c in range(len(parts))], ignore_index=True)
            tables[point] = whole
            specs.pop(point, None)
            if on_point is not None:
                on_point(point, whole)
        if progress is not None:
            progress(len(tables), runs)

    def spec_of(point: int) -> Any:
        if point not in specs:
            specs[point] = compile_scenario(scenarios[point])
        return specs[point]

    if progress is not None:
        progress(len(tables), runs)
    if executor is None:
        for point, chunk in todo:
            finish(point, chunk, replicate_scopes(spec_of(point), seed, parts[chunk], standard_min))
    else:
        pending: dict[Future[pd.DataFrame], tuple[int, int]] = {}
        queue = iter(todo)
        try:
            while True:
                for point, chunk in queue:
                    future = executor.submit(
                        replicate_scopes, spec_of(point), seed, parts[chunk], standard_min
                    )
                    pending[future] = (point, chunk)
                    if len(pending) >= in_flight:
                        break
                if not pending:
                    break
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in sorted(finished, key=pending.__getitem__):
                    point, chunk = pending.pop(future)
                    finish(point, chunk, future.result())
        finally:
            for future in pending:
                future.cancel()
    return [tables[i] for i in range(len(scenarios))]


def summarize_points(points: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Return the mean and 95% half-width of every figure per group and scope.

    Parameters
    ----------
    points : pandas.DataFrame
        A sweep's (or comparison's) per-replication table.
    by : sequence of str
        Columns naming a point (e.g. ``point`` and the varied fields).

    Returns
    -------
    pandas.DataFrame
        One row per group and scope, in the table's order: the `by` columns,
        ``scope, kind, replications``, then each figure and its ``_ci95``.
    """
    keys = [*by, "scope", "kind"]
    figures = [c for c in points.columns if c not in (*keys, "replication")]
    order = points[keys].drop_duplicates().reset_index(drop=True)
    grouped = points.assign(_order=points.groupby(keys, sort=False, dropna=False).ngroup())
    table = summarize(grouped, ["_order"], figures)
    counts = grouped.groupby("_order")["replication"].nunique().to_numpy()
    table = table.drop(columns="_order")
    table.insert(0, "replications", counts)
    return pd.concat([order, table], axis=1)


def _design_frame(design: SweepDesign) -> pd.DataFrame:
    rows = [{"point": p.index, **p.settings} for p in design.points]
    return pd.DataFrame(rows, columns=["point", *design.varied])


def results_of_design(
    design: SweepDesign, tables: Sequence[pd.DataFrame], replications: int, seed: int
) -> SweepResult:
    """Bind the per-point tables of a design into a :class:`SweepResult`.

    Parameters
    ----------
    design : SweepDesign
        The checked sweep.
    tables : sequence of pandas.DataFrame
        Per point, in point order, its scope table.
    replications : int
        Replications per point.
    seed : int
        Root seed.

    Returns
    -------
    SweepResult
        The tables of the sweep.
    """
    frame = _design_frame(design)
    parts = []
    for point, table in zip(design.points, tables, strict=True):
        head = pd.DataFrame({"point": point.index, **point.settings}, index=table.index)
        parts.append(pd.concat([head, table], axis=1))
    points = pd.concat(parts, ignore_index=True)
    points["lost"] = points[list(LOST)].sum(axis=1, min_count=1)
    summary = summarize_points(points, ["point", *design.varied])
    return SweepResult(design.varied, frame, points, summary, replications, seed)


def sweep(
    scenario: Scenario | SweepDesign,
    vary: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    replications: int = 10,
    seed: int = 0,
    executor: Executor | None = None,
    **options: Any,
) -> SweepResult:
    """Run a sweep over fields of a scenario.

    Parameters
    ----------
    scenario : Scenario or SweepDesign
        The base scenario, or a design already checked
        (:func:`mppsim.scenario.vary.design_from_vary`).
    vary : mapping or sequence of mapping
        A full grid ``{path: values}``, values as a list or as text (``"4..10"``,
        ``"4,6,8"``, ``"x0.8,x1.0,x1.2"``), or a list of points
        ``[{path: value, ...}, ...]``. Every point is validated before anything runs.
    replications : int
        Replications per point.
    seed : int
        Root seed; replication ``r`` of every point sees the same visitors.
    executor : concurrent.futures.Executor, optional
        Where chunks run; default: this process. The tables do not depend on it.
    **options
        ``done``, ``on_point``, ``progress``, ``chunk_runs`` and ``in_flight`` of
        :func:`run_points`.

    Returns
    -------
    SweepResult
        The per-replication table, the summary and the design.

    Raises
    ------
    ScenarioError
        If a varied value is malformed or a point does not validate.

    Examples
    --------
    >>> import mppsim
    >>> base = mppsim.load_scenario("tests/data/good_tiny.yaml")
    >>> result = mppsim.sweep(base, {"arrivals.daily_visitors": "x0.5,x1.0"}, 2, seed=1)
    >>> len(result.design)
    2
    """
    from mppsim.scenario.vary import SweepDesign, design_from_vary

    if isinstance(scenario, SweepDesign):
        design = scenario
    else:
        if vary is None:
            raise ValueError("give what to vary, e.g. {'agencies.dukcapil.counters.umum': '4..8'}")
        design = design_from_vary(scenario, vary)
    tables = run_points(
        [p.scenario for p in design.points], replications, seed, executor, **options
    )
    return results_of_design(design, tables, replications, seed)
