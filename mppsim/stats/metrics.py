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

from mppsim.stats.timeweighted import (
    binned_average,
    integral,
    level_max,
    time_above,
    time_average,
)
from mppsim.tables import OUTCOMES, SERIES_KINDS

__all__ = [
    "COUNT_METRICS",
    "LONG_WAIT_MIN",
    "METRICS",
    "ZONE_METRICS",
    "StationWindow",
    "replication_metrics",
    "timeseries",
    "zone_metrics",
]

ZONE_METRICS = ("occupancy_peak", "occupancy_mean", "seats", "minutes_over_seats")
"""Per-replication figures of a zone (summary.json's ``zones``)."""

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
    "walking_mean_min",
    "still_waiting_at_close",
    "overtime_min",
)
"""Per-replication figures, in summary order (summary.json adds ``_ci95`` half-widths)."""

LONG_WAIT_MIN = 15.0
"""Minutes: ``prob_wait_gt_15_min`` counts served visitors who waited longer."""


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
    long_wait_min: float = LONG_WAIT_MIN,
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
    long_wait_min : float, optional
        The wait, in minutes, that ``prob_wait_gt_15_min`` counts served visitors above
        (15; a service standard of another length changes it).

    Returns
    -------
    pandas.DataFrame
        Columns ``scope`` ("mpp", then each station's name) and ``METRICS``.
    """
    waiting_at_close = waiting_at_close or {}
    lo, hi = arrival_window
    rows = visits[(visits["arrival_min"] >= lo) & (visits["arrival_min"] < hi)]
    rows = rows.assign(
        _code=rows["outcome"].cat.codes.to_numpy(),
        _waited=rows["wait_min"].fillna(0.0),
        _walked=rows["walk_min"] + rows["walk_out_min"],
    )
    served = rows[rows["outcome"] == "served"]
    last_end = served.groupby("station", observed=True)["end_min"].max()
    logs = _split_levels(levels, stations)
    windows = {
        name: _window(window, last_end.get(name, np.nan)) for name, window in stations.items()
    }

    # agency rows collapse into service requests; kiosk and info desk rows stay legs
    station_code = rows["station"].cat.codes.to_numpy()
    is_agency = (rows["kind"] == "agency").to_numpy()
    agency = {
        "station": station_code[is_agency],
        "visitor": rows["visitor"].to_numpy()[is_agency],
        "request": rows["request"].to_numpy()[is_agency],
    }
    starts, order = _groups([agency["station"], agency["visitor"], agency["request"]])

    def per_request(column: str, reduce: np.ufunc) -> np.ndarray:
        return reduce.reduceat(rows[column].to_numpy()[is_agency][order], starts)

    requests = {
        "station": agency["station"][order][starts],
        "_code": per_request("_code", np.maximum),
        "wait_min": per_request("_waited", np.add),
        "ticket_min": per_request("ticket_min", np.minimum),
        "end_min": per_request("end_min", np.maximum),
        "walk_min": per_request("walk_min", np.add),
    }
    legs = {
        "station": station_code[~is_agency],
        "_code": rows["_code"].to_numpy()[~is_agency],
        "wait_min": rows["_waited"].to_numpy()[~is_agency],
        "ticket_min": rows["ticket_min"].to_numpy()[~is_agency],
        "end_min": rows["end_min"].to_numpy()[~is_agency],
        "walk_min": rows["walk_min"].to_numpy()[~is_agency],
    }
    categories = list(rows["station"].cat.categories)

    result = [_mpp_row(rows, logs, stations, windows, last_end, waiting_at_close, long_wait_min)]
    for name, window in stations.items():
        units = requests if window.kind == "agency" else legs
        mask = units["station"] == (categories.index(name) if name in categories else -1)
        row = _tally(
            units["_code"][mask],
            units["wait_min"][mask],
            units["ticket_min"][mask],
            units["end_min"][mask],
            units["walk_min"][mask],
            long_wait_min,
        )
        row.update(_levels(logs[name], windows[name]))
        row["still_waiting_at_close"] = float(waiting_at_close.get(name, 0))
        row["overtime_min"] = _overtime(window, last_end.get(name, np.nan))
        result.append({"scope": name, **row})
    return pd.DataFrame(result, columns=["scope", *METRICS])


Log = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # times, busy, queue, on_duty


def _groups(keys: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Sort rows by ``keys`` and return (start of each group, sort order).

    With the order applied, ``ufunc.reduceat(values[order], starts)`` reduces each group.
    """
    if len(keys[0]) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = np.lexsort(keys[::-1])
    changed = np.zeros(len(order), dtype=bool)
    changed[0] = True
    for key in keys:
        ordered = key[order]
        changed[1:] |= ordered[1:] != ordered[:-1]
    return np.flatnonzero(changed), order


def _split_levels(levels: pd.DataFrame, stations: Mapping[str, StationWindow]) -> dict[str, Log]:
    """Split the level log into numpy arrays per station."""
    codes = levels["station"].cat.codes.to_numpy()
    categories = list(levels["station"].cat.categories)
    columns = [levels[c].to_numpy(dtype=float) for c in ("time_min", "busy", "queue", "on_duty")]
    logs: dict[str, Log] = {}
    for name in stations:
        mask = codes == (categories.index(name) if name in categories else -1)
        logs[name] = (columns[0][mask], columns[1][mask], columns[2][mask], columns[3][mask])
    return logs


def _tally(
    code: np.ndarray,
    wait: np.ndarray,
    ticket: np.ndarray,
    end: np.ndarray,
    walk: np.ndarray,
    long_wait_min: float = LONG_WAIT_MIN,
) -> dict[str, float]:
    """Count outcomes and summarize waits of requests (or visitors, or legs)."""
    counts = np.bincount(code.astype(np.int64), minlength=len(OUTCOMES))
    row: dict[str, float] = {"arrivals": float(len(code))}
    row["walking_mean_min"] = float(walk.mean()) if len(walk) else np.nan
    for index, outcome in enumerate(OUTCOMES):
        row[outcome] = float(counts[index])
    served = code == 0
    waits = wait[served]
    if len(waits):
        p50, p90, p95 = np.percentile(waits, [50, 90, 95])
        row |= {
            "wait_mean_min": float(waits.mean()),
            "wait_p50_min": float(p50),
            "wait_p90_min": float(p90),
            "wait_p95_min": float(p95),
            "prob_wait_gt_15_min": float(np.mean(waits > long_wait_min)),
            "sojourn_mean_min": float((end[served] - ticket[served]).mean()),
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


def _busy_on_duty(log: Log, window: tuple[float, float]) -> tuple[float, float]:
    times, busy, _, on_duty = log
    start, end = window
    if len(times) == 0 or not end > start:
        return 0.0, 0.0
    return integral(times, busy, start, end), integral(times, on_duty, start, end)


def _levels(log: Log, window: tuple[float, float]) -> dict[str, float]:
    """Utilization and maximum queue of one station."""
    busy, on_duty = _busy_on_duty(log, window)
    start, end = window
    times, _, queue, _ = log
    queue_max = level_max(times, queue, start, end) if len(times) and end > start else 0.0
    return {"utilization": busy / on_duty if on_duty > 0 else np.nan, "queue_max": queue_max}


def _overtime(window: StationWindow, last_end: float) -> float:
    if not window.extend_to_last_end or not np.isfinite(window.close_min):
        return 0.0
    return float(max(0.0, last_end - window.close_min)) if np.isfinite(last_end) else 0.0


def _mpp_row(
    rows: pd.DataFrame,
    logs: dict[str, Log],
    stations: Mapping[str, StationWindow],
    windows: dict[str, tuple[float, float]],
    last_end: pd.Series,
    waiting_at_close: Mapping[str, int],
    long_wait_min: float = LONG_WAIT_MIN,
) -> dict[str, float | str]:
    """Return the whole MPP's row: visitors, and levels summed over agencies."""
    # one entry per visitor (ids are 0..n-1); a visitor's outcome is that of their first
    # agency request that was not served
    visitor = rows["visitor"].to_numpy().astype(np.int64)
    size = int(visitor.max()) + 1 if len(visitor) else 0
    present = np.bincount(visitor, minlength=size) > 0
    code = np.zeros(size, dtype=np.int64)
    failed = ((rows["kind"] == "agency") & (rows["_code"] > 0)).to_numpy()
    if failed.any():
        order = np.lexsort((rows["leg"].to_numpy()[failed], visitor[failed]))
        failed_visitor = visitor[failed][order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = failed_visitor[1:] != failed_visitor[:-1]
        code[failed_visitor[first]] = rows["_code"].to_numpy()[failed][order][first]
    wait = np.bincount(visitor, weights=rows["_waited"].to_numpy(), minlength=size)
    walk = np.bincount(visitor, weights=rows["_walked"].to_numpy(), minlength=size)
    arrival = np.zeros(size)
    arrival[visitor] = rows["arrival_min"].to_numpy()
    end = np.full(size, -np.inf)
    np.maximum.at(end, visitor, rows["end_min"].to_numpy())
    row: dict[str, float | str] = {
        "scope": "mpp",
        **_tally(
            code[present],
            wait[present],
            arrival[present],
            end[present],
            walk[present],
            long_wait_min,
        ),
    }
    agencies = [name for name, w in stations.items() if w.kind == "agency"]
    totals = np.array([_busy_on_duty(logs[a], windows[a]) for a in agencies]).reshape(-1, 2)
    busy, on_duty = totals.sum(axis=0)
    row["utilization"] = busy / on_duty if on_duty > 0 else np.nan
    row["queue_max"] = _total_queue_max([logs[a] for a in agencies])
    row["still_waiting_at_close"] = float(sum(waiting_at_close.get(a, 0) for a in agencies))
    overtimes = [_overtime(stations[a], last_end.get(a, np.nan)) for a in agencies]
    row["overtime_min"] = max(overtimes, default=0.0)
    return row


def _total_queue_max(logs: list[Log]) -> float:
    """Largest number of visitors waiting at all agencies together."""
    times = [log[0] for log in logs if len(log[0])]
    if not times:
        return 0.0
    deltas = [np.diff(log[2], prepend=0.0) for log in logs if len(log[0])]
    all_times = np.concatenate(times)
    order = np.argsort(all_times, kind="stable")
    return float(max(0.0, np.cumsum(np.concatenate(deltas)[order]).max()))


def timeseries(
    levels: pd.DataFrame,
    stations: Mapping[str, StationWindow],
    edges: np.ndarray,
    replication: int,
    zone_levels: pd.DataFrame | None = None,
    seats: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Return time-averaged levels per station (and zone) and time bin.

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
    zone_levels : pandas.DataFrame, optional
        Zone occupancy log (``time_min, zone, occupancy``); adds ``occupancy`` rows.
    seats : mapping of str to float, optional
        Seats per zone; adds ``seated`` and ``standing`` rows (visitors beyond the seats).

    Returns
    -------
    pandas.DataFrame
        Long table with columns ``tables.TIMESERIES_COLUMNS``.
    """
    logs = _split_levels(levels, stations)
    series: list[tuple[str, str, str, np.ndarray]] = []
    empty = np.zeros(len(edges) - 1)
    for name, window in stations.items():
        times, busy, queue, on_duty = logs[name]
        for metric, level in (("queue", queue), ("busy", busy), ("on_duty", on_duty)):
            values = binned_average(times, level, edges) if len(times) else empty
            series.append((name, window.kind, metric, values))
    if zone_levels is not None:
        codes = zone_levels["zone"].cat.codes.to_numpy()
        times_all = zone_levels["time_min"].to_numpy(dtype=float)
        occupancy = zone_levels["occupancy"].to_numpy(dtype=float)
        for z, zone in enumerate(zone_levels["zone"].cat.categories):
            mask = codes == z
            times, level = times_all[mask], occupancy[mask]
            n_seats = (seats or {}).get(zone, np.inf)
            for metric, values in (
                ("occupancy", level),
                ("seated", np.minimum(level, n_seats)),
                ("standing", np.maximum(level - n_seats, 0.0)),
            ):
                if metric != "occupancy" and seats is None:
                    continue
                averaged = binned_average(times, values, edges) if mask.any() else empty
                series.append((zone, "zone", metric, averaged))
    n_bins = len(edges) - 1
    entities = list(dict.fromkeys(entity for entity, *_ in series))
    return pd.DataFrame(
        {
            "replication": np.full(len(series) * n_bins, replication, dtype=np.int32),
            "time_min": np.tile(np.asarray(edges[:-1], dtype=float), len(series)),
            "entity": pd.Categorical(
                np.repeat([entity for entity, *_ in series], n_bins), categories=entities
            ),
            "kind": pd.Categorical(
                np.repeat([kind for _, kind, *_ in series], n_bins), categories=SERIES_KINDS
            ),
            "metric": pd.Categorical(
                np.repeat([metric for _, _, metric, _ in series], n_bins),
                categories=["queue", "busy", "on_duty", "occupancy", "seated", "standing"],
            ),
            "value": np.concatenate([values for *_, values in series]),
        }
    )


def zone_metrics(
    zone_levels: pd.DataFrame,
    seats: Mapping[str, float],
    *,
    window: tuple[float, float],
    peak_window: tuple[float, float],
) -> pd.DataFrame:
    """Return each zone's occupancy figures for one replication.

    Parameters
    ----------
    zone_levels : pandas.DataFrame
        Zone occupancy log (``time_min, zone, occupancy``).
    seats : mapping of str to float
        Seats per zone, in zone order (``inf`` = unlimited).
    window : tuple of float
        Minutes over which the mean occupancy is taken (opening hours, or the
        observed horizon).
    peak_window : tuple of float
        Minutes over which the peak and the time above the seats are taken (the
        whole day, or the observed horizon).

    Returns
    -------
    pandas.DataFrame
        Columns ``scope`` (zone id) and ``ZONE_METRICS``.
    """
    codes = zone_levels["zone"].cat.codes.to_numpy()
    times_all = zone_levels["time_min"].to_numpy(dtype=float)
    occupancy = zone_levels["occupancy"].to_numpy(dtype=float)
    categories = list(zone_levels["zone"].cat.categories)
    rows = []
    for zone, n_seats in seats.items():
        mask = codes == (categories.index(zone) if zone in categories else -1)
        times, level = times_all[mask], occupancy[mask]
        start, end = window
        peak_start, peak_end = peak_window
        has_log = len(times) > 0
        rows.append(
            {
                "scope": zone,
                "occupancy_peak": level_max(times, level, peak_start, peak_end) if has_log else 0.0,
                "occupancy_mean": time_average(times, level, start, end) if has_log else 0.0,
                "seats": n_seats if np.isfinite(n_seats) else np.nan,
                "minutes_over_seats": time_above(times, level, n_seats, peak_start, peak_end)
                if has_log and np.isfinite(n_seats)
                else 0.0,
            }
        )
    return pd.DataFrame(rows, columns=["scope", *ZONE_METRICS])
