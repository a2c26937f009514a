"""The results folder of a run, written completely or not at all.

``write_run`` writes ``scenario.yaml``, ``manifest.json``, ``summary.json``,
``visits.parquet`` and ``timeseries.parquet`` (and ``report.html``, built from
those files by the report layer) into a hidden temporary folder
beside the destination and renames it into place only when every file is
written, so an error or an interrupted run leaves no half-written folder.
"""

from __future__ import annotations

import hashlib
import io
import json
import platform
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import simpy
from ruamel.yaml import YAML

import mppsim
from mppsim.errors import MppsimError

if TYPE_CHECKING:
    from mppsim.experiment.replications import RunResult
    from mppsim.scenario.schema import Scenario

__all__ = [
    "RESULT_FILES",
    "default_out_dir",
    "scenario_hash",
    "scenario_yaml",
    "write_run",
]

FLOOR_PLAN = "floor_plan.png"
"""Written besides RESULT_FILES when the scenario has a layout."""

REPORT = "report.html"
"""Written besides RESULT_FILES unless the run asks for no report."""

RESULT_FILES = (
    "scenario.yaml",
    "manifest.json",
    "summary.json",
    "visits.parquet",
    "timeseries.parquet",
)


def scenario_yaml(scenario: Scenario) -> str:
    """Return the fully resolved scenario (defaults filled in, times in minutes) as YAML."""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # keep the schema's key order
    buffer = io.StringIO()
    yaml.dump(scenario.model_dump(mode="json", exclude_none=True), buffer)
    return buffer.getvalue()


def scenario_hash(scenario: Scenario) -> str:
    """Return the SHA-256 of the resolved scenario's canonical JSON."""
    canonical = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def default_out_dir(scenario: Scenario, base: str | Path = "results") -> Path:
    """Return ``<base>/<scenario-name>/<timestamp>/`` (the name made safe for a folder)."""
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in scenario.name).strip("._")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(base) / (safe or "scenario") / stamp


def write_run(
    run: RunResult,
    out_dir: str | Path | None = None,
    *,
    report: bool = True,
    lang: str | None = None,
) -> Path:
    """Write a run's results folder atomically.

    Parameters
    ----------
    run : RunResult
        What ``mppsim.run`` returned.
    out_dir : path, optional
        The folder to create; default ``results/<scenario-name>/<timestamp>/``. If it
        exists already, a suffix ``-2``, ``-3``, ... is added.
    report : bool
        Also write ``report.html``, built from the folder's other files (inside the
        atomic write: a report that fails leaves no folder).
    lang : {"id", "en"}, optional
        Language of the report and the floor plan; default the scenario's ``language``,
        else English.

    Returns
    -------
    pathlib.Path
        The folder written.
    """
    target = Path(out_dir) if out_dir is not None else default_out_dir(run.scenario)
    target = _free_name(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    except OSError as error:
        raise MppsimError(f"could not create the results folder {target}: {error}") from None
    try:
        (partial / "scenario.yaml").write_text(scenario_yaml(run.scenario), encoding="utf-8")
        _write_json(partial / "manifest.json", _manifest(run, report))
        _write_json(partial / "summary.json", run.summary)
        run.visits.to_parquet(partial / "visits.parquet", index=False)
        run.timeseries.to_parquet(partial / "timeseries.parquet", index=False)
        if run.scenario.layout is not None:
            from mppsim.report.floorplan import write_floor_plan

            write_floor_plan(run.scenario, run.summary, partial / FLOOR_PLAN, lang)
        if report:
            from mppsim.report.build import build_report

            build_report(partial, lang)
        partial.rename(target)
    except BaseException as error:
        shutil.rmtree(partial, ignore_errors=True)
        if isinstance(error, OSError):
            raise MppsimError(f"could not write the results folder {target}: {error}") from None
        raise
    return target


def _free_name(target: Path) -> Path:
    candidate, n = target, 1
    while candidate.exists():
        n += 1
        candidate = target.with_name(f"{target.name}-{n}")
    return candidate


def _manifest(run: RunResult, report: bool = False) -> dict[str, Any]:
    return {
        "mppsim": mppsim.__version__,
        "python": platform.python_version(),
        "simpy": simpy.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "bit_generator": "PCG64",
        "scenario": run.scenario.name,
        "scenario_sha256": scenario_hash(run.scenario),
        "seed": run.seed,
        "replications": run.replications,
        "wall_time_s": round(run.wall_time_s, 4),
        "created": datetime.now().astimezone().isoformat(timespec="seconds"),
        "files": [
            *RESULT_FILES,
            *([FLOOR_PLAN] if run.scenario.layout is not None else []),
            *([REPORT] if report else []),
        ],
    }


def _write_json(path: Path, content: dict[str, Any]) -> None:
    path.write_text(json.dumps(content, indent=2, allow_nan=False) + "\n", encoding="utf-8")
