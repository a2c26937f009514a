"""The results folder of a run, written completely or not at all.

``write_run`` writes ``scenario.yaml``, ``manifest.json``, ``summary.json``,
``metrics.parquet`` (one row per replication and scope), ``visits.parquet`` and
``timeseries.parquet`` into a hidden temporary folder beside the destination and
renames it into place only when every file is written, so an error or an
interrupted run leaves no half-written folder.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import simpy

import mppsim
from mppsim.errors import MppsimError
from mppsim.resultsdir import PartialFolder
from mppsim.tables import scope_kinds, scope_table
from mppsim.yamlwrite import dump_yaml

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

RESULT_FILES = (
    "scenario.yaml",
    "manifest.json",
    "summary.json",
    "metrics.parquet",
    "visits.parquet",
    "timeseries.parquet",
)


def scenario_yaml(scenario: Scenario) -> str:
    """Return the fully resolved scenario (defaults filled in, times in minutes) as YAML.

    Clock times and other strings a YAML 1.1 reader would read as numbers are quoted
    (``open: "08:00"``), so every YAML reader reads the file back as it ran.
    """
    return dump_yaml(scenario.model_dump(mode="json", exclude_none=True))


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
    extras: Mapping[str, Callable[[Path], None]] | None = None,
) -> Path:
    """Write a run's results folder atomically.

    Parameters
    ----------
    run : RunResult
        What ``mppsim.run`` returned.
    out_dir : path, optional
        The folder to create; default ``results/<scenario-name>/<timestamp>/``. If it
        exists already, a suffix ``-2``, ``-3``, ... is added.
    extras : mapping of str to callable, optional
        More files of the folder, by name: each callable writes its file to the path
        it is given, inside the temporary folder, so the folder is still complete or
        absent. Layers above this one (pictures, reports) add their files this way;
        ``mppsim.write_run`` adds the floor plan.

    Returns
    -------
    pathlib.Path
        The folder written.
    """
    target = Path(out_dir) if out_dir is not None else default_out_dir(run.scenario)
    with PartialFolder(target) as folder:
        partial = folder.path
        try:
            (partial / "scenario.yaml").write_text(scenario_yaml(run.scenario), encoding="utf-8")
            write_json(partial / "manifest.json", manifest(run, [*(extras or {})]))
            write_json(partial / "summary.json", run.summary)
            metrics = scope_table(run.metrics, run.zone_metrics, scope_kinds(run.summary))
            metrics.to_parquet(partial / "metrics.parquet", index=False)
            run.visits.to_parquet(partial / "visits.parquet", index=False)
            run.timeseries.to_parquet(partial / "timeseries.parquet", index=False)
            for name, write in (extras or {}).items():
                write(partial / name)
        except OSError as error:
            raise MppsimError(f"could not write the results folder {target}: {error}") from None
        return folder.commit()


def manifest(run: RunResult, extras: list[str]) -> dict[str, Any]:
    """Return manifest.json's content: versions, seed, replications, files (``extras`` too)."""
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
        "files": [*RESULT_FILES, *extras],
    }


def write_json(path: Path, content: dict[str, Any]) -> None:
    """Write ``content`` as indented JSON (NaN and infinity refused)."""
    path.write_text(json.dumps(content, indent=2, allow_nan=False) + "\n", encoding="utf-8")
