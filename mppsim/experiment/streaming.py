"""Run replications straight into a results folder, with memory flat in replications.

:func:`run_to_folder` is what ``mppsim run`` does: each replication's visits and time
series are written as a Parquet part file into the temporary results folder as soon as
the replication is bound (in replication order, whatever the number of workers), then
dropped; only the per-replication metrics (a few rows per replication) stay in memory,
and the summary is computed from them alone. At the end the parts are combined into
``visits.parquet`` and ``timeseries.parquet`` and the folder is renamed into place, so
the folder is still complete or absent. The files read back as the same tables as
``mppsim.run`` followed by ``mppsim.write_run``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from mppsim.errors import MppsimError
from mppsim.experiment.replications import iter_replications, run_summary
from mppsim.model.compile import compile_scenario
from mppsim.results import default_out_dir, manifest, scenario_yaml, write_json
from mppsim.resultsdir import PartialFolder, TableParts
from mppsim.tables import empty_visits, scope_kinds, scope_table

if TYPE_CHECKING:
    from mppsim.scenario.schema import Scenario

__all__ = ["StreamedRun", "run_to_folder"]

_CHUNK = 256


@dataclass(frozen=True)
class StreamedRun:
    """What a streamed run wrote.

    Attributes
    ----------
    scenario : Scenario
        The scenario that ran.
    seed : int
        Root seed.
    replications : int
        Number of replications.
    summary : dict
        summary.json's content.
    wall_time_s : float
        Seconds the simulation took (without writing the folder).
    folder : pathlib.Path
        The results folder.
    """

    scenario: Scenario
    seed: int
    replications: int
    summary: dict[str, Any]
    wall_time_s: float
    folder: Path


def run_to_folder(
    scenario: Scenario,
    replications: int = 10,
    seed: int = 0,
    out_dir: str | Path | None = None,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
    *,
    in_flight: int | None = None,
    extras: Callable[[StreamedRun], Mapping[str, Callable[[Path], None]]] | None = None,
) -> StreamedRun:
    """Run replications of a scenario and write its results folder as they finish.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.
    replications : int
        Number of replications, ``>= 1``.
    seed : int
        Root seed, ``>= 0``.
    out_dir : path, optional
        The results folder; default ``results/<scenario-name>/<timestamp>/``. If it
        exists, a suffix ``-2``, ``-3``, ... is added.
    executor : concurrent.futures.Executor, optional
        Where replications run; default: this process.
    progress : callable, optional
        Called with the number of finished replications after each one.
    in_flight : int, optional
        Most replications submitted to the executor ahead of the one being written.
    extras : callable, optional
        Given what ran, the folder's other files by name, each with a writer called
        with its path inside the temporary folder once the tables are written (as
        ``results.write_run``'s ``extras``: pictures, the report).

    Returns
    -------
    StreamedRun
        The summary and the folder written.

    Raises
    ------
    MppsimError
        When the folder cannot be written; nothing is left behind. An interruption
        (``KeyboardInterrupt``) also leaves nothing behind.
    """
    if replications < 1:
        raise ValueError("replications must be at least 1")
    target = Path(out_dir) if out_dir is not None else default_out_dir(scenario)
    spec = compile_scenario(scenario)
    with PartialFolder(target) as partial:
        try:
            started = time.perf_counter()
            visits = TableParts(partial.path, "visits.parquet", ("station", "service", "stage"))
            series = TableParts(partial.path, "timeseries.parquet")
            metrics: list[pd.DataFrame] = []
            zones: list[pd.DataFrame] = []
            metric_chunks: list[pd.DataFrame] = []
            zone_chunks: list[pd.DataFrame] = []
            for r, (rows, levels, scopes, zone_rows) in iter_replications(
                spec, replications, seed, executor, in_flight=in_flight
            ):
                visits.append(rows)
                series.append(levels)
                metrics.append(scopes)
                if zone_rows is not None:
                    zones.append(zone_rows)
                if len(metrics) >= _CHUNK:  # a few large frames, not one per replication
                    metric_chunks.append(pd.concat(metrics, ignore_index=True))
                    metrics = []
                    if zones:
                        zone_chunks.append(pd.concat(zones, ignore_index=True))
                        zones = []
                del rows, levels
                if progress is not None:
                    progress(r + 1)
            elapsed = time.perf_counter() - started
            metric_table = pd.concat([*metric_chunks, *metrics], ignore_index=True)
            zone_table = None
            if spec.layout is not None:
                zone_table = pd.concat([*zone_chunks, *zones], ignore_index=True)
            summary = run_summary(
                metric_table, zone_table, scenario_name=scenario.name, seed=seed, spec=spec
            )
            result = StreamedRun(scenario, seed, replications, summary, elapsed, target)
            files = dict(extras(result)) if extras is not None else {}
            (partial.path / "scenario.yaml").write_text(scenario_yaml(scenario), encoding="utf-8")
            write_json(partial.path / "manifest.json", manifest(result, [*files]))  # type: ignore[arg-type]
            write_json(partial.path / "summary.json", summary)
            scopes = scope_table(metric_table, zone_table, scope_kinds(summary))
            scopes.to_parquet(partial.path / "metrics.parquet", index=False)
            visits.combine(empty_visits())
            series.combine()
            for name, write in files.items():
                write(partial.path / name)
        except OSError as error:
            raise MppsimError(f"could not write the results folder {target}: {error}") from None
        folder = partial.commit()
    return StreamedRun(scenario, seed, replications, summary, elapsed, folder)
