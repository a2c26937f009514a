"""Column contracts of the tables passed between layers and written to the results folder.

The engine produces these tables, the statistics read them, the writer stores
them and the tests check them: each table's columns, dtypes and meaning are
declared here once. Times are minutes (since midnight in calendar mode, since
the start of the horizon in steady-state mode).
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "KINDS",
    "OUTCOMES",
    "REASONS",
    "SERIES_KINDS",
    "TIMESERIES_COLUMNS",
    "VISIT_COLUMNS",
    "empty_visits",
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
