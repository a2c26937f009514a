"""What the report shows, computed from a results folder's files alone.

``read_results`` opens a folder written by ``mppsim run`` (``scenario.yaml``,
``manifest.json``, ``summary.json``, ``visits.parquet``, ``timeseries.parquet``);
the other functions turn its tables into the small frames each plot and table of
the report draws, so tests can check that what a plot shows equals what the
tables say. Nothing here imports the engine or matplotlib.

Agency figures count *service requests* (all stages of one service for one
visitor), as ``summary.json`` does; MPP figures count visitors. Figures "per
day" are means over the replications (simulated days).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mppsim.errors import MppsimError, ScenarioError
from mppsim.scenario.loader import load_scenario
from mppsim.scenario.schema import Agency, Scenario

__all__ = [
    "FOLDER_FILES",
    "LOSS_REASONS",
    "STANDARD_MIN",
    "ResultsFolder",
    "active_window",
    "agency_names",
    "arrivals_per_hour",
    "group_utilization",
    "losses",
    "on_duty_series",
    "queue_series",
    "read_results",
    "requests",
    "wait_samples",
    "zone_names",
    "zone_series",
]

FOLDER_FILES = (
    "scenario.yaml",
    "manifest.json",
    "summary.json",
    "visits.parquet",
    "timeseries.parquet",
)
"""The files of a results folder the report reads."""

STANDARD_MIN = 15.0
"""The service standard for a wait, minutes (``summary.json``'s ``prob_wait_gt_15_min``)."""

LOSS_REASONS = ("balked", "zone_full", "reneged", "quota", "closing", "closed", "no_show")
"""Why a visitor (or request) was lost: balked at a long queue or a full waiting area, gave
up waiting, turned away (daily quota, after the ticket cut-off, agency closed), absent when
called."""

BAND = (0.1, 0.9)
"""Quantiles across replications drawn as the band around a mean series."""


@dataclass(frozen=True)
class ResultsFolder:
    """The files of one results folder, read.

    Attributes
    ----------
    path : pathlib.Path
        The folder.
    scenario : Scenario
        The resolved scenario that ran (``scenario.yaml``).
    manifest, summary : dict
        ``manifest.json`` and ``summary.json``.
    visits, timeseries : pandas.DataFrame
        ``visits.parquet`` and ``timeseries.parquet``.
    """

    path: Path
    scenario: Scenario
    manifest: dict[str, Any]
    summary: dict[str, Any]
    visits: pd.DataFrame
    timeseries: pd.DataFrame

    @property
    def replications(self) -> int:
        """Number of replications (simulated days)."""
        return int(self.summary.get("replications") or self.manifest.get("replications") or 1)

    @property
    def agencies(self) -> list[str]:
        """Agency ids in scenario order."""
        return list(self.scenario.agencies)


def read_results(path: str | Path) -> ResultsFolder:
    """Read a results folder written by ``mppsim run``.

    Parameters
    ----------
    path : str or pathlib.Path
        The folder.

    Returns
    -------
    ResultsFolder
        Its files, read.

    Raises
    ------
    MppsimError
        When the folder does not exist, is not a results folder, or a file cannot be read.
    """
    folder = Path(path)
    if not folder.exists():
        raise MppsimError(f"no such results folder: {folder}")
    if not folder.is_dir():
        raise MppsimError(f"{folder} is not a folder (give a results folder written by 'run')")
    missing = [name for name in FOLDER_FILES if not (folder / name).is_file()]
    if missing:
        raise MppsimError(
            f"{folder} is not an mppsim results folder: {', '.join(missing)} missing "
            "(give a folder written by 'mppsim run')"
        )
    try:
        scenario = load_scenario(folder / "scenario.yaml")
    except ScenarioError as error:
        raise MppsimError(
            f"{folder / 'scenario.yaml'} is not a scenario this mppsim can read "
            f"({len(error.issues)} problem(s), first: {error.issues[0].format(error.source)})"
        ) from None
    jsons = {}
    for name in ("manifest.json", "summary.json"):
        try:
            jsons[name] = json.loads((folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise MppsimError(f"could not read {folder / name}: {error}") from None
        if not isinstance(jsons[name], dict):
            raise MppsimError(f"{folder / name} is not a JSON object")
    summary = jsons["summary.json"]
    if not isinstance(summary.get("mpp"), dict) or not isinstance(summary.get("agencies"), dict):
        raise MppsimError(f"{folder / 'summary.json'} has no 'mpp' and 'agencies' figures")
    frames = {}
    for name in ("visits.parquet", "timeseries.parquet"):
        try:
            frames[name] = pd.read_parquet(folder / name)
        except Exception as error:  # noqa: BLE001 - pyarrow raises several kinds for a bad file
            raise MppsimError(f"could not read {folder / name}: {error}") from None
    return ResultsFolder(
        folder, scenario, jsons["manifest.json"], summary, frames["visits.parquet"],
        frames["timeseries.parquet"],
    )  # fmt: skip


# --------------------------------------------------------------------------- names


def short_label(agency_id: str, agency: Agency) -> str:
    """Return an agency's name for plots: its label up to " - " or " (", else its id."""
    label = agency.label
    if not label:
        return agency_id.replace("_", " ")
    for cut in (" - ", " – ", " ("):
        label = label.split(cut)[0]
    return label.strip() or agency_id


def agency_names(scenario: Scenario) -> dict[str, str]:
    """Return each agency's display name by id, in scenario order."""
    return {agency_id: short_label(agency_id, a) for agency_id, a in scenario.agencies.items()}


def zone_names(scenario: Scenario) -> dict[str, str]:
    """Return each zone's display name by id; a label used on two floors gets its floor."""
    layout = scenario.layout
    if layout is None:
        return {}
    labels = {zone_id: zone.label or zone_id for zone_id, zone in layout.zones.items()}
    counts = pd.Series(list(labels.values())).value_counts()
    names = {}
    for zone_id, label in labels.items():
        if counts[label] > 1:
            floor = layout.floors[layout.zones[zone_id].floor]
            floor_name = (floor.label or layout.zones[zone_id].floor).split(" (")[0]
            label = f"{label}, {floor_name}"
        names[zone_id] = label
    return names


# --------------------------------------------------------------------------- requests


def requests(visits: pd.DataFrame) -> pd.DataFrame:
    """Return one row per agency service request of a visits table.

    Columns: ``replication, station, visitor, request, outcome, reason, loss, ticket_min,
    wait_min, counter_min``: the outcome is the request's first non-served one (as in
    ``summary.json``), ``loss`` its ``LOSS_REASONS`` entry ("" when served), the wait the
    sum over stages and ``counter_min`` the minutes spent at counters.
    """
    rows = visits[visits["kind"] == "agency"]
    outcome_code = pd.Categorical(
        rows["outcome"].astype(str), categories=["served", "balked", "reneged", "turned_away",
                                                 "no_show"]
    ).codes  # fmt: skip
    served = (rows["outcome"] == "served").to_numpy()
    frame = pd.DataFrame(
        {
            "replication": rows["replication"].to_numpy(),
            "station": rows["station"].astype(str).to_numpy(),
            "visitor": rows["visitor"].to_numpy(),
            "request": rows["request"].to_numpy(),
            "code": outcome_code,
            "reason": rows["reason"].astype(str).to_numpy(),
            "ticket_min": rows["ticket_min"].fillna(rows["end_min"]).to_numpy(),
            "wait_min": rows["wait_min"].fillna(0.0).to_numpy(),
            "counter_min": np.where(served, (rows["end_min"] - rows["start_min"]).to_numpy(), 0.0),
        }
    )
    # the row that decides the outcome: highest code first, then its reason
    frame = frame.sort_values(["code", "reason"], ascending=[False, False], kind="stable")
    keys = ["replication", "station", "visitor", "request"]
    grouped = frame.groupby(keys, sort=True)
    result = grouped.agg(
        code=("code", "first"),
        reason=("reason", "first"),
        ticket_min=("ticket_min", "min"),
        wait_min=("wait_min", "sum"),
        counter_min=("counter_min", "sum"),
    ).reset_index()
    names = np.array(["served", "balked", "reneged", "turned_away", "no_show"])
    result["outcome"] = names[result["code"].to_numpy()]
    result["loss"] = [
        _loss(outcome, reason)
        for outcome, reason in zip(result["outcome"], result["reason"], strict=True)
    ]
    return result.drop(columns="code")


def _loss(outcome: str, reason: str) -> str:
    if outcome == "served":
        return ""
    if outcome == "balked":
        return "zone_full" if reason == "zone_full" else "balked"
    if outcome == "turned_away":
        return reason if reason in ("quota", "closing", "closed") else "closed"
    return outcome  # reneged, no_show


def losses(
    visits: pd.DataFrame,
    agencies: list[str],
    replications: int,
    reqs: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return lost visitors (MPP) and requests (agencies) per day, split by reason.

    Parameters
    ----------
    visits : pandas.DataFrame
        The visits table (``visits.parquet``).
    agencies : list of str
        Agency ids, in the order of the rows.
    replications : int
        Simulated days the table holds.
    reqs : pandas.DataFrame, optional
        ``requests(visits)``, if already computed.

    Returns
    -------
    pandas.DataFrame
        Index ``"mpp"`` then each agency id; columns ``LOSS_REASONS`` and ``total``; each
        the mean per simulated day.
    """
    reqs = requests(visits) if reqs is None else reqs
    n = replications
    lost = reqs[reqs["loss"] != ""]
    table = (
        lost.pivot_table(index="station", columns="loss", aggfunc="size", fill_value=0)
        .reindex(index=agencies, columns=list(LOSS_REASONS), fill_value=0) / n
    )  # fmt: skip
    # a visitor is lost with their first agency row that was not served (summary.json's rule)
    failed = visits[(visits["kind"] == "agency") & (visits["outcome"] != "served")]
    first = failed.sort_values(["replication", "visitor", "leg"]).drop_duplicates(
        ["replication", "visitor"]
    )
    mpp_reasons = [
        _loss(str(o), str(r)) for o, r in zip(first["outcome"], first["reason"], strict=True)
    ]
    mpp = pd.Series(mpp_reasons, dtype=object).value_counts().reindex(LOSS_REASONS, fill_value=0)
    table = pd.concat([pd.DataFrame([mpp.to_numpy() / n], index=["mpp"], columns=LOSS_REASONS),
                       table.astype(float)])  # fmt: skip
    table["total"] = table[list(LOSS_REASONS)].sum(axis=1)
    return table


# --------------------------------------------------------------------------- time series


def _series_stats(frame: pd.DataFrame) -> pd.DataFrame:
    """Mean and band across replications per (entity, time_min); missing days count as 0."""
    wide = frame.pivot_table(
        index=["entity", "time_min"], columns="replication", values="value", observed=True
    )
    wide = wide.fillna(0.0)
    values = wide.to_numpy()
    return pd.DataFrame(
        {
            "mean": values.mean(axis=1),
            "lo": np.quantile(values, BAND[0], axis=1),
            "hi": np.quantile(values, BAND[1], axis=1),
        },
        index=wide.index,
    ).reset_index()


def _metric(folder: ResultsFolder, kind: str, metric: str) -> pd.DataFrame:
    ts = folder.timeseries
    rows = ts[(ts["kind"] == kind) & (ts["metric"] == metric)]
    return rows.assign(entity=rows["entity"].astype(str))


def queue_series(folder: ResultsFolder) -> pd.DataFrame:
    """Return the visitors waiting at each agency per bin: ``entity, time_min, mean, lo, hi``."""
    return _series_stats(_metric(folder, "agency", "queue"))


def on_duty_series(folder: ResultsFolder) -> pd.DataFrame:
    """Counters on duty at each agency per time bin: ``entity, time_min, mean, lo, hi``."""
    return _series_stats(_metric(folder, "agency", "on_duty"))


def zone_series(folder: ResultsFolder) -> pd.DataFrame:
    """Visitors present in each zone per time bin: ``entity, time_min, mean, lo, hi``."""
    return _series_stats(_metric(folder, "zone", "occupancy"))


def active_window(folder: ResultsFolder) -> tuple[float, float]:
    """Return the minutes the plots span: whole hours from the first bin to the last busy one."""
    ts = folder.timeseries
    if ts.empty:
        return 0.0, 60.0
    times = np.sort(ts["time_min"].unique())
    step = float(np.min(np.diff(times))) if len(times) > 1 else 15.0
    active = ts[(ts["value"] > 1e-9) & ts["metric"].isin(["queue", "busy", "occupancy"])]
    end = float(active["time_min"].max()) + step if len(active) else float(times[-1]) + step
    calendar = folder.scenario.calendar
    if calendar is not None and calendar.day_type in calendar.days:
        end = max(end, float(calendar.days[calendar.day_type].close))
    return math.floor(float(times[0]) / 60.0) * 60.0, math.ceil(end / 60.0) * 60.0


# --------------------------------------------------------------------------- per agency


def arrivals_per_hour(folder: ResultsFolder, reqs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the requests arriving per hour at each agency and its counters' capacity.

    Returns
    -------
    pandas.DataFrame
        ``agency, hour_min`` (start of the hour), ``arrivals`` (mean requests per day taking a
        ticket in that hour), ``on_duty`` (mean counters on duty) and ``capacity`` (requests
        per hour those counters can serve: on duty × 60 ÷ mean counter minutes per served
        request; NaN when the agency served nobody).
    """
    reqs = requests(folder.visits) if reqs is None else reqs
    n = folder.replications
    hours = np.floor(reqs["ticket_min"].to_numpy() / 60.0) * 60.0
    counts = (
        reqs.assign(hour_min=hours).groupby(["station", "hour_min"]).size().rename("arrivals") / n
    )
    served = reqs[reqs["outcome"] == "served"]
    per_request = served.groupby("station")["counter_min"].mean()
    duty = on_duty_series(folder)
    duty = duty.assign(hour_min=np.floor(duty["time_min"] / 60.0) * 60.0)
    duty_hour = duty.groupby(["entity", "hour_min"])["mean"].mean()
    start, end = active_window(folder)
    all_hours = np.arange(math.floor(start / 60.0) * 60.0, end, 60.0)
    rows = []
    for agency in folder.agencies:
        minutes = per_request.get(agency, np.nan)
        for hour in all_hours:
            on_duty = float(duty_hour.get((agency, hour), 0.0))
            capacity = on_duty * 60.0 / minutes if minutes and minutes > 0 else np.nan
            rows.append(
                {
                    "agency": agency,
                    "hour_min": float(hour),
                    "arrivals": float(counts.get((agency, hour), 0.0)),
                    "on_duty": on_duty,
                    "capacity": capacity,
                }
            )
    # requests outside the plotted hours still count, in the nearest hour shown
    frame = pd.DataFrame(rows)
    for agency in folder.agencies:
        outside = counts[agency] if agency in counts.index.get_level_values(0) else pd.Series()
        outside = outside[~outside.index.isin(all_hours)]
        for hour, value in outside.items():
            nearest = all_hours[np.argmin(np.abs(all_hours - hour))]
            mask = (frame["agency"] == agency) & (frame["hour_min"] == nearest)
            frame.loc[mask, "arrivals"] += value
    return frame


def wait_samples(folder: ResultsFolder, reqs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the waits of served requests: ``replication, agency, wait_min`` (stages summed)."""
    reqs = requests(folder.visits) if reqs is None else reqs
    served = reqs[reqs["outcome"] == "served"]
    return served.rename(columns={"station": "agency"})[["replication", "agency", "wait_min"]]


def _scheduled_window(scenario: Scenario, agency_id: str) -> tuple[float, float, list[Any]]:
    """Scheduled opening, closing and breaks of an agency on the simulated day."""
    agency = scenario.agencies[agency_id]
    if scenario.calendar is None:
        assert scenario.horizon is not None
        return scenario.horizon.warmup, scenario.horizon.warmup + scenario.horizon.duration, []
    calendar = scenario.calendar
    day = calendar.days.get(calendar.day_type)
    if day is None or (agency.days is not None and calendar.day_type not in agency.days):
        return 0.0, 0.0, []
    hours = agency.hours
    open_min = hours.open if hours and hours.open is not None else day.open
    close_min = hours.close if hours and hours.close is not None else day.close
    breaks = [b for b in day.breaks if b.agencies is None or agency_id in b.agencies]
    return float(open_min), float(close_min), breaks


def group_utilization(folder: ResultsFolder) -> pd.DataFrame:
    """Busy share of each counter group over its scheduled hours (breaks excluded).

    Counters are numbered in the order of the agency's groups; a break closes the
    highest-numbered counters (as the model does). Service time outside the scheduled
    hours (overtime) is not counted here.

    Returns
    -------
    pandas.DataFrame
        ``agency, group, counters, busy_min, on_duty_min`` (per day, all the group's
        counters together) and ``utilization``.
    """
    visits = folder.visits
    served = visits[(visits["kind"] == "agency") & (visits["outcome"] == "served")]
    n = folder.replications
    rows = []
    for agency_id, agency in folder.scenario.agencies.items():
        groups = agency.counter_groups()
        total = sum(groups.values())
        open_min, close_min, breaks = _scheduled_window(folder.scenario, agency_id)
        mine = served[served["station"] == agency_id]
        start = np.clip(mine["start_min"].to_numpy(), open_min, close_min)
        end = np.clip(mine["end_min"].to_numpy(), open_min, close_min)
        busy_by_counter = np.bincount(
            mine["counter"].to_numpy().astype(np.int64).clip(0),
            weights=end - start,
            minlength=total,
        )
        duty = np.full(total, max(0.0, close_min - open_min))
        for brk in breaks:
            closed = (
                total
                if brk.counters_closed == "all"
                else min(total, math.ceil(float(brk.counters_closed) * total - 1e-9))
            )
            overlap = max(0.0, min(brk.end, close_min) - max(brk.start, open_min))
            duty[total - closed :] -= overlap
        first = 0
        for group, count in groups.items():
            span = slice(first, first + count)
            busy = float(busy_by_counter[span].sum()) / n
            on_duty = float(duty[span].sum())
            rows.append(
                {
                    "agency": agency_id,
                    "group": group,
                    "counters": count,
                    "busy_min": busy,
                    "on_duty_min": on_duty,
                    "utilization": busy / on_duty if on_duty > 0 else np.nan,
                }
            )
            first += count
    return pd.DataFrame(rows)
