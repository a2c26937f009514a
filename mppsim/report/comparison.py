"""Plans side by side, on the terminal and on disk; and a sweep's table for the terminal.

``comparison_tables`` turns a :class:`~mppsim.experiment.compare.Comparison` into one
rich table per scope (the MPP, each agency, each zone): each plan's mean with its 95%
half-width, and each plan's paired difference to the first with its interval and a
mark when it is significant after Holm's correction. ``write_comparison`` writes the
tables and the plans that ran into one folder, atomically.
"""

from __future__ import annotations

import json
import math
import platform
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from rich import box
from rich.table import Table
from rich.text import Text

import mppsim
from mppsim.errors import MppsimError
from mppsim.results import scenario_hash, scenario_yaml
from mppsim.resultsdir import PartialFolder

if TYPE_CHECKING:
    from mppsim.experiment.compare import Comparison
    from mppsim.experiment.sweep import SweepResult
    from mppsim.scenario.schema import Scenario

__all__ = [
    "COMPARISON_FILES",
    "RunFolder",
    "comparison_tables",
    "read_run_folder",
    "sweep_table",
    "write_comparison",
]

COMPARISON_FILES = ("comparison.csv", "metrics.parquet", "manifest.json")
"""Written by every comparison, besides ``plans/<n>_<name>.yaml`` per plan."""

LABELS = {
    "counters": ("counters", ".0f"),
    "arrivals": ("visitors", ".1f"),
    "visitors_per_counter": ("visitors per counter", ".2f"),
    "served": ("served", ".1f"),
    "wait_mean_min": ("mean wait (min)", ".2f"),
    "wait_p90_min": ("p90 wait (min)", ".2f"),
    "within_standard": ("served within standard", ".1%"),
    "utilization": ("utilization", ".1%"),
    "balked": ("balked", ".2f"),
    "reneged": ("gave up (reneged)", ".2f"),
    "turned_away": ("turned away", ".2f"),
    "no_show": ("absent when called", ".2f"),
    "still_waiting_at_close": ("still waiting at close", ".2f"),
    "overtime_min": ("overtime (min)", ".1f"),
    "walking_mean_min": ("walking (min)", ".2f"),
    "occupancy_peak": ("peak occupancy", ".1f"),
    "seats": ("seats", ".0f"),
    "minutes_over_seats": ("minutes over seats", ".1f"),
}


def _number(value: float, fmt: str, half: float | None = None, sign: bool = False) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    spec = ("+" if sign else "") + fmt
    text = format(value, spec)
    if half is not None and math.isfinite(half) and half > 0:
        text += f" ± {format(half, fmt)}"
    return text


@dataclass(frozen=True)
class RunFolder:
    """What a comparison needs from a run's results folder (no re-run).

    Attributes
    ----------
    scenario : Scenario
        The resolved scenario that ran (``scenario.yaml``).
    metrics : pandas.DataFrame
        ``metrics.parquet`` with ``within_standard`` (waits up to 15 minutes).
    seed, replications : int
        From ``manifest.json``.
    """

    scenario: Scenario
    metrics: pd.DataFrame
    seed: int
    replications: int


def read_run_folder(path: str | Path) -> RunFolder:
    """Read a run's results folder for a comparison.

    Parameters
    ----------
    path : str or pathlib.Path
        A folder written by ``mppsim run`` (with ``metrics.parquet``).

    Returns
    -------
    RunFolder
        Its scenario, per-replication figures, seed and replications.

    Raises
    ------
    MppsimError
        When the folder lacks a file (a folder written before ``metrics.parquet``
        existed must be run again).
    """
    folder = Path(path)
    missing = [
        name
        for name in ("scenario.yaml", "manifest.json", "metrics.parquet")
        if not (folder / name).is_file()
    ]
    if missing:
        raise MppsimError(
            f"{folder} is not a results folder that can be compared: it has no "
            f"{', '.join(missing)} (run the scenario again with mppsim run)"
        )
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    metrics = pd.read_parquet(folder / "metrics.parquet")
    metrics["within_standard"] = 1.0 - metrics["prob_wait_gt_15_min"]
    scenario = mppsim.load_scenario(folder / "scenario.yaml")
    return RunFolder(scenario, metrics, int(manifest["seed"]), int(manifest["replications"]))


def check_same_runs(folders: Sequence[RunFolder], standard_min: float) -> tuple[int, int]:
    """Return the (seed, replications) the folders share, or say why they cannot be paired.

    Raises
    ------
    MppsimError
        When the folders were run with different seeds or numbers of replications, or a
        service standard other than 15 minutes is asked for (the folders hold the share
        waiting over 15 minutes only).
    """
    runs = {(f.seed, f.replications) for f in folders}
    if len(runs) > 1:
        found = ", ".join(f"seed {s} with {r} replications" for s, r in sorted(runs))
        raise MppsimError(
            f"the results folders were run differently ({found}): paired differences need "
            "the same seed and replications; run them again with -r and --seed"
        )
    if standard_min != 15:
        raise MppsimError(
            "results folders hold the share waiting over 15 minutes only: compare them with "
            "--standard 15, or compare the scenario files"
        )
    ((seed, replications),) = runs
    return seed, replications


def comparison_tables(comparison: Comparison) -> list[Table]:
    """Return one rich table per scope: plans side by side, differences to the first.

    Parameters
    ----------
    comparison : Comparison
        What :func:`mppsim.compare` returned.

    Returns
    -------
    list of rich.table.Table
        MPP first, then agencies, the kiosk, the information desk and zones.
    """
    plans = list(comparison.plans)
    table = comparison.table
    per = f" per {comparison.per:,.0f} residents" if comparison.per else " per day"
    tables = []
    order = {"mpp": 0, "agency": 1, "kiosk": 2, "info_desk": 3, "zone": 4}
    scopes = table[["scope", "kind"]].drop_duplicates()
    scopes = scopes.assign(_o=scopes["kind"].map(order)).sort_values("_o", kind="stable")
    for scope, kind in scopes[["scope", "kind"]].itertuples(index=False):
        rows = table[(table["scope"] == scope) & (table["kind"] == kind)]
        title = "MPP (visitors)" if kind == "mpp" else f"{scope} ({kind.replace('_', ' ')})"
        out = Table(
            title=Text(f"{title} — mean{per if kind != 'zone' else ' per day'}"),
            title_justify="left",
            box=box.SIMPLE_HEAD,
        )
        out.add_column("figure", no_wrap=True)
        for number in range(1, len(plans) + 1):
            out.add_column(f"plan {number}", justify="right", no_wrap=True)
        for number in range(2, len(plans) + 1):
            out.add_column(f"{number} − 1", justify="right", no_wrap=True)
        for figure, lines in rows.groupby("figure", sort=False):
            label, fmt = LABELS.get(str(figure), (str(figure), ".2f"))
            by_plan = lines.set_index("plan")
            cells = []
            for plan in plans:
                if plan in by_plan.index:
                    line = by_plan.loc[plan]
                    cells.append(_number(line["mean"], fmt, line["ci95"]))
                else:
                    cells.append("–")
            for plan in plans[1:]:
                if plan not in by_plan.index:
                    cells.append("–")
                    continue
                line = by_plan.loc[plan]
                text = _number(line["diff"], fmt, line["diff_ci95"], sign=True)
                if bool(line["significant"]) and text != "–":
                    text += " *"
                cells.append(text)
            out.add_row(Text(label), *(Text(c) for c in cells))
        tables.append(out)
    return tables


def comparison_note(comparison: Comparison) -> str:
    """Return the plans' numbers and the sentence that says how the table was computed."""
    standard = f"{comparison.standard_min:g}"
    plans = "; ".join(f"plan {n}: {p}" for n, p in enumerate(comparison.plans, start=1))
    return (
        f"{plans}. "
        f"{comparison.replications} replications per plan, seed {comparison.seed}, the same "
        f"visitors in every plan; ± is the 95% half-width; differences are paired per "
        f"replication; * marks a difference significant after {comparison.correction}; "
        f"'served within standard' counts waits up to {standard} min."
    )


def sweep_table(result: SweepResult) -> Table:
    """Return the MPP's headline figures per point of a sweep, as a rich table."""
    out = Table(
        title=Text("MPP per point — mean per simulated day"),
        caption="wait: mean ± 95% half-width, minutes; p90: 90th percentile; busy: utilization",
        title_justify="left",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
    )
    for field in result.varied:
        short = field.split(".")[-1]  # the full paths are in points.parquet
        out.add_column(Text(short), justify="right", no_wrap=True)
    for header in ("visitors", "lost", "wait", "p90", "busy"):
        out.add_column(header, justify="right", no_wrap=True)
    mpp = result.summary[result.summary["kind"] == "mpp"]
    for row in mpp.to_dict("records"):
        out.add_row(
            *(Text(str(row[f])) for f in result.varied),
            _number(row["arrivals"], ".0f"),
            _number(row["lost"], ".1f"),
            _number(row["wait_mean_min"], ".1f", row["wait_mean_min_ci95"]),
            _number(row["wait_p90_min"], ".1f"),
            _number(row["utilization"], ".0%"),
        )
    return out


def write_comparison(
    comparison: Comparison, scenarios: Sequence[Scenario], target: str | Path
) -> Path:
    """Write a comparison's folder atomically (temporary folder, then rename).

    Parameters
    ----------
    comparison : Comparison
        What :func:`mppsim.compare` returned.
    scenarios : sequence of Scenario
        The plans, in the comparison's order.
    target : path
        The folder; an existing one gets a suffix ``-2``, ``-3``, ...

    Returns
    -------
    pathlib.Path
        The folder written: ``comparison.csv`` (one row per scope, figure and plan),
        ``metrics.parquet`` (per plan, replication and scope), ``manifest.json`` and
        the resolved plans under ``plans/``.
    """
    target = Path(target)
    with PartialFolder(target, what="folder") as folder:
        partial = folder.path
        try:
            comparison.table.to_csv(partial / "comparison.csv", index=False)
            comparison.metrics.to_parquet(partial / "metrics.parquet", index=False)
            (partial / "plans").mkdir()
            names = []
            for index, (plan, scenario) in enumerate(zip(comparison.plans, scenarios, strict=True)):
                safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in plan)
                name = f"plans/{index + 1}_{safe}.yaml"
                (partial / name).write_text(scenario_yaml(scenario), encoding="utf-8")
                names.append(name)
            manifest: dict[str, Any] = {
                "mppsim": mppsim.__version__,
                "python": platform.python_version(),
                "numpy": np.__version__,
                "pandas": pd.__version__,
                "plans": list(comparison.plans),
                "scenario_sha256": [scenario_hash(s) for s in scenarios],
                "replications": comparison.replications,
                "seed": comparison.seed,
                "standard_min": comparison.standard_min,
                "per_residents": comparison.per,
                "difference": "paired per replication, against the first plan; 95% t interval",
                "multiple_comparisons": comparison.correction,
                "created": datetime.now().astimezone().isoformat(timespec="seconds"),
                "files": [*COMPARISON_FILES, *names],
            }
            text = json.dumps(manifest, indent=2, allow_nan=False) + "\n"
            (partial / "manifest.json").write_text(text, encoding="utf-8")
        except OSError as error:
            raise MppsimError(f"could not write the folder {target}: {error}") from None
        return folder.commit()
