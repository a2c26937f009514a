"""Column contracts of the tables passed between layers and written to the results folder.

The engine produces these tables, the statistics read them, the writer stores
them and the tests check them: each table's columns, dtypes and meaning are
declared here once. Times are minutes (since midnight in calendar mode, since
the start of the horizon in steady-state mode).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

__all__ = [
    "KINDS",
    "OUTCOMES",
    "REASONS",
    "SCOPE_KINDS",
    "SERIES_KINDS",
    "TIMESERIES_COLUMNS",
    "VISIT_COLUMNS",
    "empty_visits",
    "scope_kinds",
    "scope_table",
]

OUTCOMES = ("served", "balked", "reneged", "turned_away", "no_show")
"""Every visit row ends with exactly one of these."""

REASONS = ("", "quota", "closing", "closed", "zone_full")
"""Why a row was turned away or balked ('' otherwise): daily quota reached, after the ticket
cut-off or at closing, the agency does not serve that day (or has no counters), or the
zone was full (balked, with the layout's ``when_full: balk``)."""

KINDS = ("kiosk", "info_desk", "agency")
"""What a station is."""

SERIES_KINDS = (*KINDS, "zone")

SCOPE_KINDS = ("mpp", *KINDS, "zone")
"""What a row of a scope table (``metrics.parquet``, a sweep's ``points.parquet``) is
about: the whole MPP, a station, or a zone of the building."""
"""What a time series describes: a station, or a zone of the building."""

VISIT_COLUMNS: dict[str, str] = {
    "replication": "int32",  # replication index, from 0
    "visitor": "int32",  # visitor id within the replication, in order of arrival
    "leg": "int16",  # position of this row in the visitor's journey
    "request": "int16",  # which of the visitor's services this row belongs to (-1: info desk)
    "station": "category",  # agency id, "kiosk" or "info_desk"
    "kind": "category",  # one of KINDS
    "service": "category",  # service id ("" at the kiosk and info desk)
    "stage": "category",  # stage id of a multi-step service ("service" for one step)
    "counter": "int16",  # counter (or kiosk) index within the station, -1 if never served
    "priority_class": "int8",  # 0 priority visitor, 1 booked (called first), 2 walk-in
    "is_appointment": "bool",  # came with an online booking
    "arrival_min": "float64",  # the visitor's arrival at the MPP
    "ticket_min": "float64",  # joined this queue (took the ticket)
    "start_min": "float64",  # called to the counter (NaN if never)
    "end_min": "float64",  # left the counter, or the queue (balk, renege, turned away)
    "wait_min": "float64",  # start_min - ticket_min (NaN if never called)
    "walk_min": "float64",  # minutes walked to this step's station (0 without a layout)
    "walk_out_min": "float64",  # on the visitor's last row: minutes walked to the exit
    "outcome": "category",  # one of OUTCOMES
    "reason": "category",  # one of REASONS
}

TIMESERIES_COLUMNS: dict[str, str] = {
    "replication": "int32",
    "time_min": "float64",  # start of the time bin
    "entity": "category",  # agency id, "kiosk", "info_desk", or a zone id
    "kind": "category",  # one of SERIES_KINDS
    "metric": "category",  # stations: "queue" (waiting), "busy", "on_duty" (counters);
    #                        zones: "occupancy" (visitors present), "seated", "standing"
    "value": "float64",  # time-average over the bin
}


def empty_visits() -> pd.DataFrame:
    """Return an empty visits table with the declared dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in VISIT_COLUMNS.items()})


def scope_kinds(summary: Mapping[str, Any]) -> dict[str, str]:
    """Return the kind of every station scope of a run, read from its summary.

    Parameters
    ----------
    summary : mapping
        summary.json's content (``RunResult.summary``).

    Returns
    -------
    dict of str to str
        ``"mpp"`` for the MPP, ``"agency"`` for each agency, and ``"kiosk"`` or
        ``"info_desk"`` for those stations.
    """
    kinds = {"mpp": "mpp"}
    kinds.update(dict.fromkeys(summary.get("agencies", {}), "agency"))
    kinds.update({name: name for name in ("kiosk", "info_desk") if name in summary})
    return kinds


def scope_table(
    metrics: pd.DataFrame, zones: pd.DataFrame | None, kinds: Mapping[str, str]
) -> pd.DataFrame:
    """Bind station and zone figures into one table, one row per replication and scope.

    Every figure of summary.json gets a column: the station figures (of the MPP, each
    agency, the kiosk and the information desk), then the zone figures; a figure that
    does not apply to a scope is NaN. ``kind`` (one of :data:`SCOPE_KINDS`) tells a zone
    from an agency of the same name.

    Parameters
    ----------
    metrics : pandas.DataFrame
        ``replication, scope`` and the station figures (``RunResult.metrics``).
    zones : pandas.DataFrame or None
        ``replication, scope`` and the zone figures (``RunResult.zone_metrics``).
    kinds : mapping of str to str
        Kind of each station scope (:func:`scope_kinds`); zones get ``"zone"``.

    Returns
    -------
    pandas.DataFrame
        ``replication, scope, kind`` and the figures, sorted by replication (stable:
        within a replication the MPP and the stations in their order, then the zones).
    """
    keys = ["replication", "scope"]
    figures = [c for c in metrics.columns if c not in keys]
    parts = [metrics.assign(kind=metrics["scope"].map(dict(kinds)).fillna("agency"))]
    if zones is not None and len(zones):
        figures += [c for c in zones.columns if c not in keys and c not in figures]
        parts.append(zones.assign(kind="zone"))
    table = pd.concat(parts, ignore_index=True).reindex(columns=[*keys, "kind", *figures])
    table = table.astype({"replication": "int64", "scope": str, "kind": str})
    table = table.astype(dict.fromkeys(figures, "float64"))
    return table.sort_values("replication", kind="stable", ignore_index=True)
