"""The folder of a sweep: finished points kept as they complete, the tables and plots at the end.

A sweep writes into ``.<name>.sweep-partial`` beside its destination: the design (with
a fingerprint of every point's scenario, the seed and the replications) and one Parquet
part per finished point, each written to a temporary file and renamed. When every
point is done, ``points.parquet``, ``summary.parquet``, ``sweep.yaml``,
``scenario.yaml``, ``manifest.json`` and the plots are written and the folder is
renamed into place. An interrupted sweep keeps its parts; ``resume`` runs only the
points that have none, so the final tables equal an uninterrupted sweep's.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

import mppsim
from mppsim.errors import MppsimError
from mppsim.outdir import folder_mode
from mppsim.results import scenario_hash, scenario_yaml
from mppsim.resultsdir import free_name
from mppsim.yamlwrite import dump_yaml

if TYPE_CHECKING:
    from mppsim.experiment.sweep import SweepResult
    from mppsim.scenario.vary import SweepDesign

__all__ = ["SWEEP_FILES", "SweepFolder", "design_fingerprint", "write_sweep"]

SWEEP_FILES = (
    "points.parquet",
    "summary.parquet",
    "sweep.yaml",
    "scenario.yaml",
    "manifest.json",
)
"""Written by every sweep, besides one ``plot_<figure>.png`` per plotted figure."""

DESIGN = "design.json"
PARTS = "parts"


def design_fingerprint(design: SweepDesign, replications: int, seed: int) -> str:
    """Return a SHA-256 naming what a sweep computes: every point's scenario, seed, runs."""
    content = {
        "seed": seed,
        "replications": replications,
        "points": [scenario_hash(point.scenario) for point in design.points],
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class SweepFolder:
    """A sweep's folder while it runs: its parts, then the finished folder.

    Parameters
    ----------
    target : path
        The folder to create. Without `resume`, an existing folder gets a suffix
        ``-2``, ``-3``, ... (nothing is overwritten).
    fingerprint : str
        :func:`design_fingerprint` of the sweep.
    resume : bool
        Continue the unfinished sweep kept for `target` (its fingerprint must match).

    Raises
    ------
    MppsimError
        When there is nothing to resume, the kept sweep is a different one, or an
        unfinished sweep is in the way of a new one.
    """

    def __init__(self, target: str | Path, fingerprint: str, *, resume: bool = False) -> None:
        target = Path(target)
        if resume:
            self.partial = self.partial_of(target)
            if not (self.partial / DESIGN).is_file():
                raise MppsimError(
                    f"nothing to resume: no unfinished sweep is kept for {target} "
                    f"(looked for {self.partial})"
                )
            kept = json.loads((self.partial / DESIGN).read_text(encoding="utf-8"))
            if kept.get("fingerprint") != fingerprint:
                raise MppsimError(
                    f"the sweep kept in {self.partial} is not this sweep (other points, "
                    "replications or seed): resume it with the command that started it"
                )
            self.target = target
        else:
            self.target = free_name(target)
            self.partial = self.partial_of(self.target)
            if self.partial.exists():
                raise MppsimError(
                    f"an unfinished sweep is kept in {self.partial}: continue it with "
                    f"--resume {self.target}, or remove that folder"
                )
            try:
                (self.partial / PARTS).mkdir(parents=True)
                self.partial.chmod(folder_mode())
                self._write_json(DESIGN, {"fingerprint": fingerprint})
            except OSError as error:
                raise MppsimError(f"could not create {self.partial}: {error}") from None
        self.fingerprint = fingerprint

    @staticmethod
    def partial_of(target: Path) -> Path:
        """Return where the unfinished sweep for `target` is kept."""
        return target.parent / f".{target.name}.sweep-partial"

    def completed(self) -> dict[int, pd.DataFrame]:
        """Return the finished points' tables, by point index."""
        done = {}
        for part in sorted((self.partial / PARTS).glob("point-*.parquet")):
            done[int(part.stem.split("-")[1])] = pd.read_parquet(part)
        return done

    def write_part(self, index: int, table: pd.DataFrame) -> None:
        """Keep a finished point (written to a temporary file, then renamed)."""
        final = self.partial / PARTS / f"point-{index:05d}.parquet"
        temporary = final.with_suffix(".tmp")
        table.to_parquet(temporary, index=False)
        temporary.replace(final)

    def finish(
        self,
        result: SweepResult,
        design: SweepDesign,
        figures: Sequence[str],
        wall_time_s: float,
    ) -> Path:
        """Write the tables, the definition, the manifest and the plots; rename into place.

        Parameters
        ----------
        result : SweepResult
            The whole sweep.
        design : SweepDesign
            Its design (base scenario and definition).
        figures : sequence of str
            Figures to plot against the first varied field.
        wall_time_s : float
            Seconds the sweep took (this session).

        Returns
        -------
        pathlib.Path
            The folder written.
        """
        from mppsim.report.sweepplots import write_sweep_plot  # matplotlib: only here

        partial = self.partial
        result.points.to_parquet(partial / "points.parquet", index=False)
        result.summary.to_parquet(partial / "summary.parquet", index=False)
        definition = {
            "scenario": "scenario.yaml",
            **(design.definition or {}),
            "replications": result.replications,
            "seed": result.seed,
            "figures": list(figures),
        }
        (partial / "sweep.yaml").write_text(dump_yaml(definition), encoding="utf-8")
        (partial / "scenario.yaml").write_text(scenario_yaml(design.base), encoding="utf-8")
        plots = []
        for figure in figures:
            if figure in result.summary:
                name = f"plot_{figure}.png"
                write_sweep_plot(result.summary, result.varied, figure, partial / name)
                plots.append(name)
        self._write_json(
            "manifest.json",
            {
                "mppsim": mppsim.__version__,
                "python": platform.python_version(),
                "numpy": np.__version__,
                "pandas": pd.__version__,
                "bit_generator": "PCG64",
                "scenario": design.base.name,
                "base_scenario_sha256": scenario_hash(design.base),
                "sweep_sha256": self.fingerprint,
                "varied": list(result.varied),
                "points": len(result.design),
                "replications": result.replications,
                "seed": result.seed,
                "wall_time_s": round(wall_time_s, 3),
                "created": datetime.now().astimezone().isoformat(timespec="seconds"),
                "files": [*SWEEP_FILES, *plots],
            },
        )
        shutil.rmtree(partial / PARTS)
        (partial / DESIGN).unlink()
        if self.target.exists():  # resumed, and the folder appeared meanwhile
            self.target = free_name(self.target)
        partial.rename(self.target)
        return self.target

    def _write_json(self, name: str, content: dict[str, Any]) -> None:
        text = json.dumps(content, indent=2, allow_nan=False) + "\n"
        (self.partial / name).write_text(text, encoding="utf-8")


def write_sweep(
    design: SweepDesign,
    replications: int,
    seed: int,
    target: str | Path,
    *,
    executor: Executor | None = None,
    figures: Sequence[str] = (),
    resume: bool = False,
    progress: Callable[[int, int], None] | None = None,
    on_folder: Callable[[SweepFolder], None] | None = None,
) -> tuple[Path, SweepResult]:
    """Run a sweep into its folder, keeping every finished point.

    Parameters
    ----------
    design : SweepDesign
        The checked sweep.
    replications : int
        Replications per point.
    seed : int
        Root seed.
    target : path
        The sweep's folder.
    executor : concurrent.futures.Executor, optional
        Where the replications run.
    figures : sequence of str
        Figures to plot.
    resume : bool
        Continue the unfinished sweep kept for `target`.
    progress : callable, optional
        Called with (points done, replications done).
    on_folder : callable, optional
        Called with the :class:`SweepFolder` before anything runs (to say where the
        parts are kept if the sweep is interrupted).

    Returns
    -------
    tuple of (pathlib.Path, SweepResult)
        The folder written and the sweep's tables.
    """
    started = time.perf_counter()
    folder = SweepFolder(target, design_fingerprint(design, replications, seed), resume=resume)
    if on_folder is not None:
        on_folder(folder)
    result = mppsim.sweep(
        design,
        replications=replications,
        seed=seed,
        executor=executor,
        done=folder.completed(),
        on_point=folder.write_part,
        progress=progress,
    )
    path = folder.finish(result, design, figures, time.perf_counter() - started)
    return path, result
