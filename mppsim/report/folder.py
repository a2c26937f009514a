"""A run's results folder with its pictures: the tables from ``results``, plus the floor plan.

:func:`mppsim.results.write_run` writes the tables and knows nothing of pictures;
this layer, which may import matplotlib, adds its files to the same atomic write.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from mppsim import results

if TYPE_CHECKING:
    from mppsim.experiment.replications import RunResult

__all__ = ["FLOOR_PLAN", "picture_files", "write_run"]

FLOOR_PLAN = "floor_plan.png"
"""Written besides ``results.RESULT_FILES`` when the scenario has a layout."""


def picture_files(run: RunResult) -> dict[str, Callable[[Path], None]]:
    """Return the pictures a run's folder gets, by file name, each with its writer.

    Parameters
    ----------
    run : RunResult
        What ``mppsim.run`` returned.

    Returns
    -------
    dict of str to callable
        ``{"floor_plan.png": writer}`` when the scenario has a layout, else empty.
    """
    if run.scenario.layout is None:
        return {}

    def floor_plan(path: Path) -> None:
        from mppsim.report.floorplan import write_floor_plan  # matplotlib: only when needed

        write_floor_plan(run.scenario, run.summary, path)

    return {FLOOR_PLAN: floor_plan}


def write_run(run: RunResult, out_dir: str | Path | None = None) -> Path:
    """Write a run's results folder atomically, with its pictures.

    Parameters
    ----------
    run : RunResult
        What ``mppsim.run`` returned.
    out_dir : path, optional
        The folder to create; default ``results/<scenario-name>/<timestamp>/``. If it
        exists already, a suffix ``-2``, ``-3``, ... is added.

    Returns
    -------
    pathlib.Path
        The folder written: ``results.RESULT_FILES`` and, with a layout, ``floor_plan.png``.
    """
    return results.write_run(run, out_dir, picture_files(run))
