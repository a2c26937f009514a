"""The table ``mppsim run`` prints, in the report's language.

Per agency: arrivals, lost (with the split balked / gave up / turned away /
absent), mean and p90 wait, counter utilization and overtime; below it, why
visitors were turned away and, with a layout, walking and the most crowded zone.
Uses the catalogues of ``report.i18n`` and no plotting library.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from mppsim.report.i18n import Texts

if TYPE_CHECKING:
    from mppsim.experiment.replications import RunResult
    from mppsim.experiment.streaming import StreamedRun

__all__ = ["crowded_zone", "print_report", "print_run", "summary_table"]


def _split(t: Texts, scope: dict[str, Any]) -> str:
    parts = [scope.get(k) or 0.0 for k in ("balked", "reneged", "turned_away", "no_show")]
    return "/".join(t.num(p, 0) for p in parts)


def summary_table(summary: dict[str, Any], lang: str = "en") -> Table:
    """Return the per-agency table of a run's summary, in ``lang``."""
    t = Texts(lang)  # type: ignore[arg-type]
    table = Table(
        title=Text(t("term_title", name=summary["scenario"])),  # Text: no markup, no emoji
        title_justify="left",
        caption=Text(t("term_caption")),
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        collapse_padding=True,
        pad_edge=False,
    )
    table.add_column(t("term_agency"), no_wrap=True, max_width=16, overflow="ellipsis")
    for key in ("term_arrivals", "term_lost", "term_lost_split", "term_wait", "term_p90",
                "term_busy", "term_overtime"):  # fmt: skip
        table.add_column(t(key), justify="right", no_wrap=True)

    def cell(scope: dict[str, Any], key: str, digits: int, ci: bool = False) -> str:
        value = scope.get(key)
        if value is None or not math.isfinite(value):
            return t("na")
        half = scope.get(f"{key}_ci95")
        if ci and half is not None and math.isfinite(half):
            return t("plus_minus", value=t.num(value, digits), half=t.num(half, digits))
        return t.num(value, digits)

    def add(name: str, scope: dict[str, Any], **style: Any) -> None:
        lost = sum(scope.get(k) or 0.0 for k in ("balked", "reneged", "turned_away", "no_show"))
        table.add_row(
            Text(name),
            cell(scope, "arrivals", 0),
            t.num(lost, 0),
            _split(t, scope),
            cell(scope, "wait_mean_min", 1, ci=True),
            cell(scope, "wait_p90_min", 1),
            t.pct(scope.get("utilization")),
            cell(scope, "overtime_min", 0),
            **style,
        )

    for name, scope in summary["agencies"].items():
        add(name, scope)
    for name in ("info_desk", "kiosk"):
        if name in summary:
            add(name, summary[name], style="dim")
    table.add_section()
    add(t("term_mpp"), summary["mpp"], style="bold")
    return table


def crowded_zone(summary: dict[str, Any]) -> tuple[str, dict[str, float]] | None:
    """Return the zone with the highest peak occupancy against its seats, or None."""
    zones = summary.get("zones") or {}
    rated = [
        ((z.get("occupancy_peak") or 0.0) / z["seats"], zone_id, z)
        for zone_id, z in zones.items()
        if z.get("seats")
    ]
    if not rated:
        return None
    _, zone_id, figures = max(rated, key=lambda item: item[0])
    return zone_id, figures


_LOSS_COLUMNS = [
    "replication",
    "visitor",
    "leg",
    "request",
    "station",
    "kind",
    "service",
    "stage",
    "outcome",
    "reason",
    "ticket_min",
    "start_min",
    "end_min",
    "wait_min",
]
"""The visits table's columns the loss split needs (read from the folder, not all of it)."""


def print_run(
    console: Console,
    run: RunResult | StreamedRun,
    folder: Path,
    lang: str,
    *,
    quiet: bool = False,
    report: bool = True,
) -> None:
    """Print what ``mppsim run`` tells: the table, losses, building, and where files are."""
    t = Texts(lang)  # type: ignore[arg-type]

    def say(text: str) -> None:
        console.print(text, markup=False, emoji=False, highlight=False, soft_wrap=True)

    if not quiet:
        from mppsim.report.data import losses

        summary = run.summary
        console.print(summary_table(summary, lang))
        visits = getattr(run, "visits", None)
        if visits is None:  # a run streamed into its folder keeps no tables in memory
            import pandas as pd

            visits = pd.read_parquet(folder / "visits.parquet", columns=_LOSS_COLUMNS)
        table = losses(visits, list(run.scenario.agencies), run.replications)
        say(
            t(
                "term_turned",
                quota=t.num(table.loc["mpp", "quota"], 1),
                closing=t.num(table.loc["mpp", "closing"], 1),
                closed=t.num(table.loc["mpp", "closed"], 1),
            )
        )
        crowded = crowded_zone(summary)
        if run.scenario.layout is not None and crowded is not None:
            zone_id, figures = crowded
            zone = run.scenario.layout.zones[zone_id]
            say(
                t(
                    "term_walking",
                    walking=t.num(summary["mpp"].get("walking_mean_min"), 2),
                    zone=zone.label or zone_id,
                    peak=t.num(figures.get("occupancy_peak"), 0),
                    seats=t.num(figures.get("seats"), 0),
                )
            )
        say(
            t(
                "term_days",
                n=t.count(run.replications),
                seed=run.seed,
                seconds=t.num(run.wall_time_s, 2),
            )
        )
    say(t("term_results", folder=folder))
    if not quiet:
        if report:
            say(t("term_report", path=folder / "report.html"))
        if run.scenario.layout is not None:
            say(t("term_floor_plan", path=folder / "floor_plan.png"))


def print_report(console: Console, path: Path) -> None:
    """Print where ``mppsim report`` wrote the report, in the report's own language."""
    head = path.read_text(encoding="utf-8")[:200]
    lang = "id" if '<html lang="id">' in head else "en"
    console.print(
        Texts(lang)("term_report", path=path), markup=False, emoji=False, highlight=False,
        soft_wrap=True,
    )  # fmt: skip
