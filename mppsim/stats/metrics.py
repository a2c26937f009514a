"""Headline figures of one replication, for the whole MPP and each station.

Tallies come from visit rows (waits, outcomes, sojourns); levels (utilization,
queue length) from the engine's level log, integrated over time. Agency figures
count *service requests*: the rows of all stages of one service of one visitor
make one request, whose wait is the sum of its stage waits and whose outcome is
its first non-served outcome. MPP figures count *visitors*: a visitor is served
when every requested service was served, and otherwise ends with the outcome of
the first service that was not; their wait is the total time spent waiting in
every queue (kiosk, information desk and agencies).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mppsim.stats.timeweighted import binned_average, integral, level_max
from mppsim.tables import OUTCOMES

__all__ = ["COUNT_METRICS", "METRICS", "StationWindow", "replication_metrics", "timeseries"]

COUNT_METRICS = ("arrivals", "served", "balked", "reneged", "turned_away", "no_show")
METRICS = (
    *COUNT_METRICS,
    "wait_mean_min",
    "wait_p50_min",
    "wait_p90_min",
    "wait_p95_min",
    "prob_wait_gt_15_min",
    "utilization",
    "queue_max",
    "sojourn_mean_min",
    "still_waiting_at_close",
    "overtime_min",
)
"""Per-replication figures, in summary order (summary.json adds ``_ci95`` half-widths)."""

LONG_WAIT_MIN = 15.0


@dataclass(frozen=True)
class StationWindow:
    """When a station's levels are observed.

    ``start_min``/``close_min`` are its opening and scheduled closing (in steady-state
    mode the observation window). In calendar mode the window runs on past closing
    until the station's last service ends (``extend_to_last_end``).
    """

    kind: str
    start_min: float
    close_min: float
    extend_to_last_end: bool


def replication_metrics(
    visits: pd.DataFrame,
    levels: pd.DataFrame,
    stations: Mapping[str, StationWindow],
    *,
    arrival_window: tuple[float, float] = (-np.inf, np.inf),
    waiting_at_close: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Return the headline figures of one replication, one row per scope.

    Parameters
    ----------
    visits : pandas.DataFrame
        Visit rows of one replication (``tables.VISIT_COLUMNS``).
    levels : pandas.DataFrame
        Level log of that replication (``time_min, station, busy, queue, on_duty``).
    stations : mapping of str to StationWindow
        Every station by name, in station order.
    arrival_window : tuple of float
        Only visitors arriving in ``[start, end)`` count (the warm-up is cut off).
    waiting_at_close : mapping of str to int, optional
        Visitors waiting at each agency at its closing time.

    Returns
    -------
    pandas.DataFrame
        Columns ``scope`` ("mpp", then each station's name) and ``METRICS``.
    """
    waiting_at_close = waiting_at_close or {}
    lo, hi = arrival_window
    rows = visits[(visits["arrival_min"] >= lo) & (visits["arrival_min"] < hi)]
    outcome_code = rows["outcome"].cat.codes.to_numpy()
    rows = rows.assign(_code=outcome_code, _waited=rows["wait_min"].fillna(0.0))
    last_end = rows[rows["outcome"] == "served"].groupby("station", observed=True)["end_min"].max()

    result = [_mpp_row(rows, levels, stations, last_end, waiting_at_close)]
    for name, window in stations.items():
        at = rows[rows["station"] == name]
        units = _requests(at) if window.kind == "agency" else at
        row = _tally(units)
        row.update(_levels(levels, name, window, last_end))
        row["still_waiting_at_close"] = float(waiting_at_close.get(name, 0))
        row["overtime_min"] = _overtime(window, last_end.get(name, np.nan))
        result.append({"scope": name, **row})
    return pd.DataFrame(result, columns=["scope", *METRICS])


def _requests(rows: pd.DataFrame) -> pd.DataFrame:
    """Collapse stage rows into one row per service request."""
    grouped = rows.groupby(["visitor", "request"], sort=False, observed=True)
    return pd.DataFrame(
        {
            "_code": grouped["_code"].max(),
            "wait_min": grouped["_waited"].sum(),
            "ticket_min": grouped["ticket_min"].min(),
            "end_min": grouped["end_min"].max(),
        }
    )


def _visitors(rows: pd.DataFrame) -> pd.DataFrame:
    """Collapse all rows into one row per visitor (outcome from their agency requests)."""
    agency = rows[rows["kind"] == "agency"].sort_values(["visitor", "leg"])
    failed = agency[agency["_code"] > 0].groupby("visitor")["_code"].first()
    grouped = rows.groupby("visitor")
    frame = pd.DataFrame(
        {
            "wait_min": grouped["_waited"].sum(),
            "ticket_min": grouped["arrival_min"].first(),
            "end_min": grouped["end_min"].max(),
        }
    )
    frame["_code"] = failed.reindex(frame.index, fill_value=0).astype(int)
    return frame


def _tally(units: pd.DataFrame) -> dict[str, float]:
    """Count outcomes and summarize waits of requests (or visitors, or legs)."""
    counts = np.bincount(units["_code"].to_numpy(dtype=np.int64), minlength=len(OUTCOMES))
    row: dict[str, float] = {"arrivals": float(len(units))}
    for code, outcome in enumerate(OUTCOMES):
        row[outcome] = float(counts[code])
    served = units[units["_code"] == 0]
    waits = served["wait_min"].to_numpy(dtype=float)
    if len(waits):
        p50, p90, p95 = np.percentile(waits, [50, 90, 95])
        row |= {
            "wait_mean_min": float(waits.mean()),
            "wait_p50_min": float(p50),
            "wait_p90_min": float(p90),
            "wait_p95_min": float(p95),
            "prob_wait_gt_15_min": float(np.mean(waits > LONG_WAIT_MIN)),
            "sojourn_mean_min": float((served["end_min"] - served["ticket_min"]).mean()),
        }
    else:
        row |= dict.fromkeys(
            ("wait_mean_min", "wait_p50_min", "wait_p90_min", "wait_p95_min"), np.nan
        )
        row |= {"prob_wait_gt_15_min": np.nan, "sojourn_mean_min": np.nan}
    return row


def _window(window: StationWindow, last_end: float) -> tuple[float, float]:
    end = window.close_min
    if window.extend_to_last_end and np.isfinite(last_end):
        end = max(end, last_end)
    return window.start_min, end


def _levels(
    levels: pd.DataFrame, name: str, window: StationWindow, last_end: pd.Series
) -> dict[str, float]:
    """Utilization and maximum queue of one station."""
    log = levels[levels["station"] == name]
    start, end = _window(window, last_end.get(name, np.nan))
    if log.empty or not end > start:
        return {"utilization": np.nan, "queue_max": 0.0}
    times = log["time_min"].to_numpy()
    busy = integral(times, log["busy"].to_numpy(), start, end)
    on_duty = integral(times, log["on_duty"].to_numpy(), start, end)
    return {
        "utilization": busy / on_duty if on_duty > 0 else np.nan,
        "queue_max": level_max(times, log["queue"].to_numpy(), start, end),
    }


def _overtime(window: StationWindow, last_end: float) -> float:
    if not window.extend_to_last_end or not np.isfinite(window.close_min):
        return 0.0
    return float(max(0.0, last_end - window.close_min)) if np.isfinite(last_end) else 0.0


def _mpp_row(
    rows: pd.DataFrame,
    levels: pd.DataFrame,
    stations: Mapping[str, StationWindow],
    last_end: pd.Series,
    waiting_at_close: Mapping[str, int],
) -> dict[str, float | str]:
    """Return the whole MPP's row: visitors, and levels summed over agencies."""
    row: dict[str, float | str] = {"scope": "mpp", **_tally(_visitors(rows))}
    agencies = [name for name, w in stations.items() if w.kind == "agency"]
    busy = on_duty = 0.0
    for name in agencies:
        log = levels[levels["station"] == name]
        if log.empty:
            continue
        start, end = _window(stations[name], last_end.get(name, np.nan))
        times = log["time_min"].to_numpy()
        busy += integral(times, log["busy"].to_numpy(), start, end)
        on_duty += integral(times, log["on_duty"].to_numpy(), start, end)
    row["utilization"] = busy / on_duty if on_duty > 0 else np.nan
    row["queue_max"] = _total_queue_max(levels, agencies)
    row["still_waiting_at_close"] = float(sum(waiting_at_close.get(a, 0) for a in agencies))
    overtimes = [_overtime(stations[a], last_end.get(a, np.nan)) for a in agencies]
    row["overtime_min"] = max(overtimes, default=0.0)
    return row


def _total_queue_max(levels: pd.DataFrame, agencies: list[str]) -> float:
    """Largest number of visitors waiting at all agencies together."""
    log = levels[levels["station"].isin(agencies)]
    if log.empty:
        return 0.0
    deltas = log.groupby("station", observed=True)["queue"].diff().fillna(log["queue"])
    order = np.argsort(log["time_min"].to_numpy(), kind="stable")
    return float(max(0.0, np.cumsum(deltas.to_numpy()[order]).max()))


def timeseries(
    levels: pd.DataFrame,
    stations: Mapping[str, StationWindow],
    edges: np.ndarray,
    replication: int,
) -> pd.DataFrame:
    """Return time-averaged queue length, busy and on-duty counters per station and time bin.

    Parameters
    ----------
    levels : pandas.DataFrame
        Level log of one replication.
    stations : mapping of str to StationWindow
        Every station by name.
    edges : numpy.ndarray
        Bin edges in minutes.
    replication : int
        Written to every row.

    Returns
    -------
    pandas.DataFrame
        Long table with columns ``tables.TIMESERIES_COLUMNS``.
    """
    parts = []
    for name in stations:
        log = levels[levels["station"] == name]
        times = log["time_min"].to_numpy()
        for metric in ("queue", "busy", "on_duty"):
            values = binned_average(times, log[metric].to_numpy(), edges) if len(log) else None
            parts.append(
                pd.DataFrame(
                    {
                        "time_min": edges[:-1],
                        "station": name,
                        "metric": metric,
                        "value": values if values is not None else np.zeros(len(edges) - 1),
                    }
                )
            )
    frame = pd.concat(parts, ignore_index=True)
    frame.insert(0, "replication", np.int32(replication))
    frame["station"] = pd.Categorical(frame["station"], categories=list(stations))
    frame["metric"] = pd.Categorical(frame["metric"], categories=["queue", "busy", "on_duty"])
    return frame
