"""A run's results folder with its pictures and report: ``results``' tables, the floor plan, the report.

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

__all__ = ["FLOOR_PLAN", "REPORT", "picture_files", "write_run"]

FLOOR_PLAN = "floor_plan.png"
"""Written besides ``results.RESULT_FILES`` when the scenario has a layout."""

REPORT = "report.html"
"""Written besides ``results.RESULT_FILES`` unless the run asks for no report."""


def picture_files(
    run: RunResult, *, report: bool = True, lang: str | None = None
) -> dict[str, Callable[[Path], None]]:
    """Return the pictures and the report a run's folder gets, by file name, with writers.

    Parameters
    ----------
    run : RunResult
        What ``mppsim.run`` returned.
    report : bool
        Include ``report.html`` (written last: it reads the folder's other files).
    lang : {"id", "en"}, optional
        Language of the floor plan and the report; default the scenario's ``language``,
        else English.

    Returns
    -------
    dict of str to callable
        ``floor_plan.png`` when the scenario has a layout, then ``report.html``.
    """
    files: dict[str, Callable[[Path], None]] = {}
    if run.scenario.layout is not None:

        def floor_plan(path: Path) -> None:
            from mppsim.report.floorplan import write_floor_plan  # matplotlib: only when needed

            write_floor_plan(run.scenario, run.summary, path, lang)

        files[FLOOR_PLAN] = floor_plan
    if report:

        def html(path: Path) -> None:
            from mppsim.report.build import build_report

            build_report(path.parent, lang)

        files[REPORT] = html
    return files


def write_run(
    run: RunResult,
    out_dir: str | Path | None = None,
    *,
    report: bool = True,
    lang: str | None = None,
) -> Path:
    """Write a run's results folder atomically, with its pictures and report.

    Parameters
    ----------
    run : RunResult
        What ``mppsim.run`` returned.
    out_dir : path, optional
        The folder to create; default ``results/<scenario-name>/<timestamp>/``. If it
        exists already, a suffix ``-2``, ``-3``, ... is added.
    report : bool
        Also write ``report.html`` (inside the atomic write: a report that fails
        leaves no folder).
    lang : {"id", "en"}, optional
        Language of the floor plan and the report.

    Returns
    -------
    pathlib.Path
        The folder written: ``results.RESULT_FILES``, with a layout ``floor_plan.png``,
        and ``report.html`` unless ``report`` is False.
    """
    return results.write_run(run, out_dir, picture_files(run, report=report, lang=lang))
